"""The web chat in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

Screenshots go to reports/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.servers
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = ROOT / "reports" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, assistant):
    # bypass_csp lets Playwright evaluate its waits; it also means the XSS test proves the escaping
    # itself, without the page's Content-Security-Policy as a second line of defence
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", bypass_csp=True)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(assistant.base + "/webhooks/web/")
    yield pg
    context.close()


def send(page, text: str) -> None:
    count = page.locator(".msg-bot").count()
    page.fill("#input", text)
    page.press("#input", "Enter")
    page.wait_for_function(f"document.querySelectorAll('.msg-bot').length > {count}", timeout=30000)
    page.wait_for_selector("#typing", state="hidden", timeout=30000)


def test_plan_question_answer_appears(page):
    send(page, "到2028年武汉人工智能产业规模目标是多少")
    assert "2000亿元" in page.locator(".msg-bot .msg-text").last.inner_text()
    assert page.locator(".msg-user").last.inner_text().strip().endswith("到2028年武汉人工智能产业规模目标是多少")
    page.screenshot(path=str(SHOTS / "01-plan-answer.png"), full_page=True)


def test_quick_reply_then_reload_keeps_history(page):
    send(page, "补办身份证要多少钱")
    button = page.locator(".quick-reply", has_text="需要带什么材料？").last
    count = page.locator(".msg-bot").count()
    button.click()
    page.wait_for_function(f"document.querySelectorAll('.msg-bot').length > {count}", timeout=30000)
    assert "需要带" in page.locator(".msg-bot .msg-text").last.inner_text()
    page.screenshot(path=str(SHOTS / "02-quick-reply.png"), full_page=True)
    before = page.locator(".msg").count()
    page.reload()
    page.wait_for_selector(".msg-bot")
    assert page.locator(".msg").count() == before
    assert "需要带" in page.locator(".msg-bot .msg-text").last.inner_text()
    page.screenshot(path=str(SHOTS / "03-after-reload.png"), full_page=True)


def test_elder_mode_toggle(page):
    normal = page.eval_on_selector("#input", "e => parseFloat(getComputedStyle(e).fontSize)")
    page.click("#elder-mode")
    assert "elder" in page.get_attribute("body", "class")
    assert page.get_attribute("#elder-mode", "aria-pressed") == "true"
    large = page.eval_on_selector("#input", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert large >= 22 and large > normal
    page.screenshot(path=str(SHOTS / "04-elder-mode.png"), full_page=True)
    page.reload()
    assert "elder" in (page.get_attribute("body", "class") or "")
    page.click("#elder-mode")


def test_xss_string_is_shown_as_text(page):
    attack = "<img src=x onerror=alert(1)>"
    send(page, attack)
    page.wait_for_timeout(500)
    assert page.dialogs == []
    assert page.locator(".msg-user .msg-text").last.inner_text().strip() == attack
    assert page.locator("#messages img").count() == 0
    page.screenshot(path=str(SHOTS / "05-xss-as-text.png"), full_page=True)


def test_handoff_button_shows_a_transfer_message(page):
    page.click("#handoff")
    page.wait_for_selector(".msg-handoff", timeout=30000)
    assert "工单号" in page.locator(".msg-handoff").last.inner_text()
    page.screenshot(path=str(SHOTS / "06-handoff.png"), full_page=True)


def test_keyboard_only_use(page):
    page.keyboard.press("Tab")
    for _ in range(5):
        if page.evaluate("document.activeElement.id") == "input":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "input"
    page.keyboard.type("你好")
    count = page.locator(".msg-bot").count()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.msg-bot').length > {count}", timeout=30000)
    assert page.evaluate("document.activeElement.id") == "input"


def test_feedback_and_closing_rating(page):
    send(page, "补办身份证要带什么材料")
    up = page.locator(".msg-bot").last.locator(".feedback-up")
    with page.expect_response(lambda r: r.url.endswith("/webhooks/web/feedback") and r.status == 200):
        up.click()
    assert "is-chosen" in up.get_attribute("class") and up.is_disabled()
    send(page, "好的再见")
    page.wait_for_selector(".msg-rating .rating-button")
    with page.expect_response(lambda r: r.url.endswith("/webhooks/web/feedback") and r.status == 200):
        page.locator(".msg-rating .rating-button[data-value='5']").click()
    page.wait_for_selector("text=感谢您的评价")
    page.screenshot(path=str(SHOTS / "07-feedback-rating.png"), full_page=True)
