"""Where the browser tests find Chromium and how they start it.

Debian's ``chromium`` (``make browser`` installs it), headless, with the
background services off: this machine's network is closed, and a browser
that tries to reach it stalls.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
