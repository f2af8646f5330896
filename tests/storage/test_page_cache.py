"""The disk cache of rendered pages: what comes back, how much it can grow, how it survives crashes."""

import hashlib
import threading

import pytest

from storage.page_cache import WIDTH_BUCKETS, PageCache, snap_width
from storage.pdf.render import RenderedPage

DIGEST = hashlib.sha256(b"a meeting document").hexdigest()
SVG = RenderedPage(b"\x1f\x8b gzipped svg", "image/svg+xml", "gzip")
PNG = RenderedPage(b"\x89PNG a raster", "image/png")


@pytest.fixture
def cache(tmp_path) -> PageCache:
    return PageCache(tmp_path / "page-cache")


@pytest.mark.parametrize("page", [SVG, PNG])
def test_a_cached_page_comes_back_exactly_as_rendered(cache, page):
    key = (DIGEST, 3, "auto", 1024)

    cache.put(key, page)

    assert cache.get(key) == page


def test_a_page_not_rendered_yet_is_a_miss(cache):
    assert cache.get((DIGEST, 1, "png", 640)) is None


def test_svg_is_kept_once_whatever_width_was_asked_for(cache):
    cache.put((DIGEST, 1, "svg", 640), SVG)

    assert cache.get((DIGEST, 1, "svg", 2048)) == SVG
    assert len([path for path in cache.root.rglob("*") if path.is_file()]) == 1


def test_rasters_are_kept_per_width_bucket(cache):
    cache.put((DIGEST, 1, "png", 640), PNG)

    assert cache.get((DIGEST, 1, "png", 1024)) is None
    assert cache.get((DIGEST, 1, "png", 640)) == PNG


@pytest.mark.parametrize(
    ("asked", "served"),
    [(-5, 320), (0, 320), (1, 320), (320, 320), (321, 480), (1536, 1536), (1640, 2048), (99_999, 2048)],
)
def test_a_requested_width_is_rounded_up_to_the_next_bucket(asked, served):
    assert snap_width(asked) == served


def test_a_client_asking_for_every_width_gets_only_a_few_distinct_images():
    assert {snap_width(width) for width in range(-10, 10_000)} == set(WIDTH_BUCKETS)


def test_a_cache_file_cut_short_reads_as_a_miss(cache):
    key = (DIGEST, 2, "png", 640)
    cache.put(key, PNG)
    (path,) = [path for path in cache.root.rglob("*") if path.is_file()]
    path.write_bytes(path.read_bytes()[:-3])

    assert cache.get(key) is None


def test_a_failed_write_keeps_the_previous_entry_and_leaves_no_temporary_file(cache):
    key = (DIGEST, 2, "png", 640)
    cache.put(key, PNG)

    with pytest.raises(TypeError):
        cache.put(key, RenderedPage("text where bytes belong", "image/png"))

    assert cache.get(key) == PNG
    assert [path.name for path in cache.root.rglob(".tmp-*")] == []


def test_readers_never_see_half_a_page_while_it_is_being_written(cache):
    key = (DIGEST, 5, "jpeg", 2048)
    pages = [RenderedPage(bytes([n]) * 300_000, "image/jpeg") for n in range(4)]
    seen = []

    def write():
        for _ in range(20):
            for page in pages:
                cache.put(key, page)

    writer = threading.Thread(target=write)
    writer.start()
    while writer.is_alive():
        seen.append(cache.get(key))
    writer.join()

    assert {page for page in seen if page is not None} <= set(pages)


@pytest.mark.parametrize(
    "key",
    [
        ("../../etc", 1, "png", 640),
        (DIGEST.upper(), 1, "png", 640),
        (DIGEST, 1, "../x", 640),
        (DIGEST, 0, "png", 640),
    ],
)
def test_a_key_that_could_escape_the_cache_directory_is_refused(cache, key):
    with pytest.raises(ValueError):
        cache.put(key, PNG)
