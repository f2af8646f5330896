"""The outbox keeps an operation the server could not take just now (busy, failing over, timed out)
and sends it again after a jittered back-off; only a refusal that cannot change drops it, and the
delegate is told. Driven in chromium against the page's own module, with a socket that answers
what the test says."""

import pytest

from tests.browser.conftest import TABLET

pytestmark = pytest.mark.server

DRAIN = """
async ([answers]) => {
  const build = document.querySelector('script[src*="/static/"]').src.split("/static/")[1].split("/")[0];
  const { openOutbox } = await import(`/static/${build}/js/offline/outbox.js`);
  const box = openOutbox(990000 + Math.floor(Math.random() * 1000));
  await box.ready;
  const socket = {
    connected: true,
    timeout: () => ({ emit: (_event, _payload, callback) => callback(null, answers.shift()) }),
  };
  await box.push({ event: "annotation:create", payload: { op_id: "op-1", body: "Ý kiến" } });
  const refused = [];
  const rounds = [];
  while (rounds.length < 4) {
    const done = await box.drain(socket, { onRefused: (_op, ack) => refused.push(ack.error) });
    rounds.push({ done, waiting: box.count(), retryInMs: box.retryInMs() });
    if (done) break;
  }
  return { rounds, refused };
}
"""


def test_a_busy_answer_keeps_the_comment_and_it_is_sent_again(open_page):
    page = open_page(TABLET)
    result = page.evaluate(
        DRAIN,
        [
            [
                {"ok": False, "error": "server_busy"},
                {"ok": False, "error": "internal_error"},
                {"ok": True, "id": 1},
            ]
        ],
    )
    assert [r["waiting"] for r in result["rounds"]] == [1, 1, 0]
    assert result["refused"] == []
    first, second = result["rounds"][0]["retryInMs"], result["rounds"][1]["retryInMs"]
    assert 500 <= first <= 1000  # doubling, jittered
    assert 1000 <= second <= 2000


def test_a_refusal_that_cannot_change_drops_the_comment_and_says_so(open_page):
    page = open_page(TABLET)
    result = page.evaluate(DRAIN, [[{"ok": False, "error": "forbidden", "message": "Không có quyền"}]])
    assert result["rounds"] == [{"done": True, "waiting": 0, "retryInMs": result["rounds"][0]["retryInMs"]}]
    assert result["refused"] == ["forbidden"]
