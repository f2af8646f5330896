"""Under the Content-Security-Policy every page works: no script, style or socket is blocked."""

import pytest

from tests.browser.conftest import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.server]

WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.mark.parametrize(
    ("device", "username", "paths"),
    [
        (TABLET, "secretary", ["/", "/meetings/1", "/meetings/1/audit", "/account/password", "/documents/1"]),
        (PHONE, "admin", ["/admin/users", "/admin/audit"]),
        (PHONE, "chair", ["/meetings/1/digest"]),
    ],
)
def test_no_page_breaks_the_content_security_policy(open_page, device, username, paths):
    page = open_page(device, username)
    page.add_init_script(WATCH_VIOLATIONS)
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.cspViolations") == [], path
        font_scale = "() => document.documentElement.style.getPropertyValue('--font-scale')"
        assert page.evaluate(font_scale) == "1"  # static/js/font-scale.js ran
    page.goto("/documents/1")
    page.wait_for_function("() => window.PH.live() && window.PH.live().connected")
