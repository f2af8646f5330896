"""docs/openapi.yaml documents every /api/ route the app serves (and /healthz), and nothing it does not."""

import re

import yaml

from tests.conftest import ROOT


def test_every_api_route_is_documented_in_openapi(app):
    spec = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    documented = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    served = {
        (method, re.sub(r"<(?:int:)?([a-z_]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served - documented == set(), "routes missing from docs/openapi.yaml"
    assert documented - served == set(), "documented routes the app does not serve"
