#!/bin/sh
# Closes the Smart Assistant ingest port (UDP and TCP) to everybody except addresses knockd lets in.
# Run once at boot before knockd starts (e.g. from /etc/network/if-pre-up.d or save with
# `iptables-save > /etc/iptables/rules.v4` from the package iptables-persistent).
# Usage: iptables-setup.sh [PORT]   (default 8080 = INGEST_PORT)
set -eu
PORT="${1:-8080}"
IPTABLES="${IPTABLES:-/usr/sbin/iptables}"
"$IPTABLES" -N SA_KNOCK 2>/dev/null || "$IPTABLES" -F SA_KNOCK
# Replies to traffic the server started, and TCP connections already accepted, keep flowing after the
# 600 s window closes; new packets from addresses that did not knock are dropped.
"$IPTABLES" -A SA_KNOCK -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
"$IPTABLES" -A SA_KNOCK -j DROP
for proto in udp tcp; do
  "$IPTABLES" -C INPUT -p "$proto" --dport "$PORT" -j SA_KNOCK 2>/dev/null ||
    "$IPTABLES" -I INPUT -p "$proto" --dport "$PORT" -j SA_KNOCK
done
