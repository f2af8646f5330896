"""What a proxy in front of several processes reads off every answer: a request id and the node."""

from core.node import NODE_COOKIE


def test_every_answer_names_its_request_id_and_keeps_the_one_the_proxy_sent(client):
    offered = client.get("/login", headers={"X-Request-Id": "nginx-7f3a"})
    fresh = client.get("/login")
    hostile = client.get("/login", headers={"X-Request-Id": "x" * 500})

    assert offered.headers["X-Request-Id"] == "nginx-7f3a"
    assert len(fresh.headers["X-Request-Id"]) == 32
    assert hostile.headers["X-Request-Id"] != "x" * 500


def test_a_named_process_sets_the_cookie_nginx_routes_by_once(app, client):
    app.config["NODE_ID"] = "5002"

    first = client.get("/login")
    again = client.get("/login")

    assert f"{NODE_COOKIE}=5002" in " ".join(first.headers.getlist("Set-Cookie"))
    assert NODE_COOKIE not in " ".join(again.headers.getlist("Set-Cookie"))


def test_a_lone_process_sets_no_routing_cookie(client):
    assert NODE_COOKIE not in " ".join(client.get("/login").headers.getlist("Set-Cookie"))
