#!/usr/bin/env bash
# Prepares a Debian machine (as root) for Parley.
#   scripts/setup.sh           what `parley serve` needs
#   scripts/setup.sh --tests   plus what the test suite needs (a real PostgreSQL server, sipp, baresip,
#                              the STUN clients turnutils_stunclient and stun, ip/tc and nft for
#                              the network-namespace tests of parley nettest, Chromium and
#                              chromedriver for the browser-participant tests)
# Idempotent: installs only what is missing, so a second run takes a second.
set -euo pipefail

want_tests=0
for arg in "$@"; do
    case "$arg" in
        --tests) want_tests=1 ;;
        *) echo "usage: scripts/setup.sh [--tests]" >&2; exit 2 ;;
    esac
done

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        echo "setup: swift is in /opt/swift/usr/bin but not on PATH; add it: export PATH=/opt/swift/usr/bin:\$PATH" >&2
    else
        echo "setup: no Swift toolchain found. Install Swift 6.2 or later (https://www.swift.org/install/linux/) and run this again." >&2
    fi
    exit 1
fi

missing=()
have_pg_server() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }
if [ "$want_tests" = 1 ]; then
    have_pg_server || missing+=(postgresql)
    command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)   # real SIP peer for interop tests
    # Real SIP callers for the meeting interop tests; -core has the CLI and every module they
    # load (ctrl_tcp, aufile, sndfile, g711, g722), without the GUI and video recommends.
    command -v baresip >/dev/null 2>&1 || missing+=(baresip-core)
    # Real STUN clients for the media port's interop tests: coturn's (RFC 5389/8489) and an
    # RFC 3489 one. Only the client binary of coturn is used; its TURN server is not run.
    command -v turnutils_stunclient >/dev/null 2>&1 || missing+=(coturn)
    command -v stun >/dev/null 2>&1 || missing+=(stun-client)
    have_tool() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
    { have_tool ip && have_tool tc; } || missing+=(iproute2)   # network namespaces, veth, tc netem
    have_tool nft || missing+=(nftables)                        # loss and blocked UDP in the netns tests
    # Real Chromium for the browser-participant interop tests, driven over WebDriver.
    [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fi
if ! command -v runuser >/dev/null 2>&1; then missing+=(util-linux); fi

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup: missing Debian packages: ${missing[*]}. Run as root, or: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Tests start their own PostgreSQL on a loopback port; the packaged cluster is not used.
    if command -v pg_ctlcluster >/dev/null 2>&1; then
        service postgresql stop >/dev/null 2>&1 || true
    fi
    # coturn's package enables and starts a TURN server on 3478; the tests need only its
    # client. Stop and disable the server it may just have started (not one that was there).
    if [[ " ${missing[*]} " == *" coturn "* ]]; then
        if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
            systemctl disable --now coturn >/dev/null 2>&1 || true
        else
            service coturn stop >/dev/null 2>&1 || true
        fi
    fi
fi
echo "setup: ready"
