#!/usr/bin/env bash
# Builds Funnel in release mode and installs it as a systemd service:
#   the binary       $PREFIX/bin/funnel                       (PREFIX=/usr/local)
#   the unit         $UNITDIR/funnel.service                  (UNITDIR=/etc/systemd/system)
#   the config       $CONFDIR/funnel.yml, from config.example.yml, only if there is none yet (CONFDIR=/etc/funnel)
# DESTDIR stages everything under another root (for packages); FUNNEL_BINARY installs an already built binary
# instead of building one. Then: systemctl daemon-reload && systemctl enable --now funnel
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX="${PREFIX:-/usr/local}"
UNITDIR="${UNITDIR:-/etc/systemd/system}"
CONFDIR="${CONFDIR:-/etc/funnel}"
DESTDIR="${DESTDIR:-}"

binary="${FUNNEL_BINARY:-}"
if [ -z "$binary" ]; then
    # The stamp gives `funnel --version` and funnel_build_info their git revision and build date.
    packaging/stamp
    trap 'packaging/stamp --remove' EXIT
    # The Swift runtime and Foundation linked in: 3.3 MiB less resident memory at idle than the shared libraries
    # (docs/performance.md, idle memory) and no runtime to install beside the binary.
    swift build -c release --static-swift-stdlib --product funnel
    binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/funnel"
fi

install -d "$DESTDIR$PREFIX/bin" "$DESTDIR$UNITDIR" "$DESTDIR$CONFDIR"
install -m 0755 "$binary" "$DESTDIR$PREFIX/bin/funnel"
sed "s|/usr/local/bin/funnel|$PREFIX/bin/funnel|; s|/etc/funnel/|$CONFDIR/|g" packaging/funnel.service >"$DESTDIR$UNITDIR/funnel.service"
chmod 0644 "$DESTDIR$UNITDIR/funnel.service"
if [ -e "$DESTDIR$CONFDIR/funnel.yml" ]; then
    echo "kept $DESTDIR$CONFDIR/funnel.yml (the new example is $DESTDIR$CONFDIR/funnel.yml.example)"
    install -m 0644 config.example.yml "$DESTDIR$CONFDIR/funnel.yml.example"
else
    # The service keeps its data in its StateDirectory (--data-dir on the command line wins over data_dir).
    install -m 0644 config.example.yml "$DESTDIR$CONFDIR/funnel.yml"
fi
echo "installed $DESTDIR$PREFIX/bin/funnel, $DESTDIR$UNITDIR/funnel.service and $DESTDIR$CONFDIR/funnel.yml"
if [ -z "$DESTDIR" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    echo "next: systemctl daemon-reload && systemctl enable --now funnel   (reload: systemctl reload funnel)"
fi
