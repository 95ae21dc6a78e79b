#!/usr/bin/env bash
# Set-up for tests/test_browser.py: headless Chromium, its WebDriver and a CJK font, from
# the Debian packages chromium, chromium-driver and fonts-noto-cjk (selenium comes from the
# project's test extra). Idempotent and quiet: installs only what is missing, prints one
# line when it installs, and never fails the CI run — when the packages cannot be
# installed (no apt-get, no root, no network) it says so and the browser test skips.
set -u

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if ! { command -v fc-list >/dev/null && fc-list :lang=zh family | grep -q .; }; then
    missing+=(fonts-noto-cjk)  # without a CJK font the screenshot shows empty boxes
fi
[ ${#missing[@]} -eq 0 ] && exit 0

skip() { echo "browser_setup: $1; tests/test_browser.py will be skipped" >&2; exit 0; }
command -v apt-get >/dev/null || skip "no apt-get to install ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || skip "not root and no password-less sudo"
    sudo=(sudo -n)
fi

log=$(mktemp "${TMPDIR:-/tmp}/browser_setup.XXXXXX")
install() {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >>"$log" 2>&1
}
echo "browser_setup: installing ${missing[*]}" >&2
# The package lists may be missing or stale on a fresh machine: update once, then retry.
if ! install; then
    "${sudo[@]}" apt-get update -qq >>"$log" 2>&1 && install || {
        tail -n 5 "$log" >&2
        rm -f "$log"
        skip "apt-get could not install ${missing[*]}"
    }
fi
rm -f "$log"
