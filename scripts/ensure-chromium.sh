#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (test/dashboard-browser.test.ts,
# driven by playwright-core, which downloads no browser of its own). It installs the `chromium`
# package with apt-get when the browser is missing and this is Debian (or a derivative) and we are
# root, as on CI; anywhere else it changes nothing and says why, and the browser test is skipped
# with that reason. Exit status 0 in every case where the test suite can go on (installed, already
# there, or nothing to do here); 1 only when an install was attempted and failed.
#   V2XSIM_CHROMIUM=/path/to/chromium   use another Chromium (then nothing is installed)
#   V2XSIM_SKIP_BROWSER=1               install nothing (the browser test is skipped)
set -euo pipefail

browser="${V2XSIM_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "ensure-chromium: $browser is there ($("$browser" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
if [ "${V2XSIM_SKIP_BROWSER:-}" = "1" ]; then
  echo "ensure-chromium: V2XSIM_SKIP_BROWSER=1: not installing; the browser test will be skipped"
  exit 0
fi
if [ -n "${V2XSIM_CHROMIUM:-}" ]; then
  echo "ensure-chromium: V2XSIM_CHROMIUM=$browser is not an executable; the browser test will be skipped"
  exit 0
fi
if [ ! -r /etc/debian_version ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: not a Debian system: install Chromium yourself (or set V2XSIM_CHROMIUM); the browser test will be skipped"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-chromium: not root: run 'sudo apt-get install chromium' (or set V2XSIM_CHROMIUM); the browser test will be skipped"
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "ensure-chromium: $("$browser" --version)"
