"""Stored files live in the database, in pieces, with the transaction that stored them."""

import hashlib
import os
import shutil

import pytest
from sqlalchemy import func, select

from composition.app import create_app
from core.extensions import db
from documents.models import StoredFile, StoredFileChunk
from storage.blobstore import LocalBlobStore
from storage.database_blobs import CHUNK_BYTES


@pytest.fixture
def create_app_again(app):
    """The same node restarted (same DATA_DIR and database), as after an upgrade."""
    apps = []

    def factory():
        restarted = create_app({"TESTING": True, "AUTO_MIGRATE": False, "PREWARM_PAGES": False})
        restarted.extensions["documents"].pool.close()
        apps.append(restarted)
        return restarted

    yield factory
    for restarted in apps:
        restarted.extensions["documents"].store.engine.dispose()


def _store(app):
    return app.extensions["documents"].store


def test_a_large_file_is_stored_in_pieces_and_read_back_whole_on_another_nodes_disk(app):
    data = os.urandom(CHUNK_BYTES * 2 + 1234)
    digest = _store(app).put(data)
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(StoredFileChunk.sha256 == digest)) == 3
    shutil.rmtree(app.config["DATA_DIR"] / "blob-cache")  # as on a node that never saw it
    path = _store(app).local_path(digest)
    assert path.read_bytes() == data
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_the_same_file_stored_twice_is_kept_once(app):
    data = b"%PDF-1.7 same bytes"
    assert _store(app).put(data) == _store(app).put(data)
    db.session.commit()
    assert db.session.scalar(select(func.count(StoredFile.sha256))) == 1


def test_a_file_stored_by_a_rolled_back_transaction_is_not_there(app):
    digest = _store(app).put(b"%PDF-1.7 never committed")
    db.session.rollback()
    assert not _store(app).exists(digest)
    shutil.rmtree(app.config["DATA_DIR"] / "blob-cache")
    with pytest.raises(FileNotFoundError):
        _store(app).local_path(digest)


def test_files_an_earlier_release_kept_on_disk_move_into_the_database_when_first_read(app, create_app_again):
    data = b"%PDF-1.7 stored by an earlier release"
    digest = LocalBlobStore(app.config["DATA_DIR"] / "blobs").put(data)
    restarted = create_app_again()
    store = restarted.extensions["documents"].store
    assert store.local_path(digest).read_bytes() == data
    assert store.exists(digest)  # now every node can read it
