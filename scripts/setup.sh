#!/usr/bin/env bash
# Install newsletter-pdf and what it needs from the system, on Debian/Ubuntu or anywhere pip runs.
#   scripts/setup.sh          the tool
#   scripts/setup.sh --test   the tool and its test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
if [[ "${1:-}" == "--test" ]]; then extras="[test]"; fi

# WeasyPrint needs Pango; libharfbuzz-subset0 makes font subsetting about 2.5x faster and
# the output reproducible. Ghostscript measures the print file's ink and, with poppler, reads it back
# as a press would. Install them where we can (root with apt); otherwise say so.
system_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libgs-common ghostscript poppler-utils)
# The tests open the web pages in a real browser (Debian's chromium, driven by Playwright: never a
# downloaded browser build), and move the clock with faketime to prove the archive's bytes do not
# depend on it.
if [[ -n "$extras" ]]; then system_packages+=(chromium faketime); fi
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${system_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
fi
if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} with your system's package manager" >&2
  fi
fi

python3 -m pip install --quiet --disable-pip-version-check ".${extras}"
echo "setup: newsletter-pdf $(python3 -c 'import newsletter_pdf; print(newsletter_pdf.__version__)') installed"
