#!/bin/sh
# The v2xsim image's entry point: the first argument is the container's role, and the environment
# configures it (docs/docker.md). Every process's control API listens on all addresses of the
# container (the container's network is the boundary; compose publishes only the dashboard, on the
# host's loopback).
#   csms | scsp | evse | ev     one simulator process, configured from V2XSIM_* variables
#   demo                        the runner and dashboard: `v2xsim demo` attached to the services
#   v2xsim ARGS… | run ARGS… | any other v2xsim command     that command as it is
# The same script runs the topology test (test/compose-topology.test.ts) in network namespaces.
set -eu

APP="$(cd "$(dirname "$0")/.." && pwd)"
v2xsim() { exec node "$APP/packages/cli/bin/v2xsim.js" "$@"; }

role="${1:-demo}"
[ $# -gt 0 ] && shift

SPEED="${V2XSIM_SPEED:-120}"
DATA="${V2XSIM_DATA:-/data}"
CONTROL_HOST="${V2XSIM_CONTROL_HOST:-0.0.0.0}"
CSMS_HOST="${V2XSIM_CSMS_HOST:-csms}"
SCSP_HOST="${V2XSIM_SCSP_HOST:-scsp}"
TOKEN_A="${V2XSIM_OCPI_TOKEN_A:-v2xsim-compose-token-a}"
STATION_PASSWORD="${V2XSIM_STATION_PASSWORD:-v2xsim-demo-station-password}"
CONF_DIR="${TMPDIR:-/tmp}"

# this container's own address, as the other containers reach it (the first non-loopback IPv4)
own_address() {
  if [ -n "${V2XSIM_ADVERTISE_HOST:-}" ]; then echo "$V2XSIM_ADVERTISE_HOST"; return; fi
  node -e 'const a=Object.values(require("os").networkInterfaces()).flat().find((i)=>i&&i.family==="IPv4"&&!i.internal);process.stdout.write(a?a.address:"127.0.0.1")'
}

# the shared sim time line: the sim time of V2XSIM_SIM_FROM (a control API, normally the CSMS's)
# now, so that every service counts the same sim time; without it each starts at its own now
sim_flags() {
  if [ -z "${V2XSIM_SIM_FROM:-}" ]; then echo "--speed $SPEED"; return; fi
  node -e '
    const url = process.argv[1] + "/health";
    const until = Date.now() + 60000;
    (async () => {
      for (;;) {
        try {
          const h = await (await fetch(url, { signal: AbortSignal.timeout(2000) })).json();
          if (typeof h.simTime === "string") { process.stdout.write(`--sim-epoch ${new Date().toISOString()} --sim-start ${h.simTime}`); return; }
        } catch {}
        if (Date.now() > until) { console.error(`entrypoint: no sim time from ${url}`); process.exit(1); }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();' "$V2XSIM_SIM_FROM"
  echo " --speed $SPEED"
}

# a configuration file with what has no flag: the control API's (and a server's) listen address
config() {
  file="$CONF_DIR/v2xsim-$role.yaml"
  printf '%s\n' "$@" > "$file"
  echo "$file"
}

case "$role" in
  csms)
    mkdir -p "$DATA"
    cfg=$(config "control: { host: \"$CONTROL_HOST\", port: ${V2XSIM_CONTROL_PORT:-7100} }")
    # shellcheck disable=SC2046
    v2xsim csms --config "$cfg" --host 0.0.0.0 --port "${V2XSIM_OCPP_PORT:-9000}" --security-profile 0 --accept-unknown --accept-any-token \
      --site-limit "${V2XSIM_SITE_LIMIT_W:-60000}" --evse-max-power "${V2XSIM_EVSE_MAX_POWER_W:-50000}" \
      --ocpi-port "${V2XSIM_OCPI_PORT:-9100}" --ocpi-host 0.0.0.0 --ocpi-public-url "http://$CSMS_HOST:${V2XSIM_OCPI_PORT:-9100}" \
      --ocpi-party "${V2XSIM_CPO_PARTY:-NL*CPO}" --ocpi-token-a "$TOKEN_A" --data "$DATA" --speed "$SPEED" "$@"
    ;;
  scsp)
    prices="$CONF_DIR/v2xsim-prices.csv"
    node --input-type=module -e "import('$APP/packages/cli/dist/commands/demo.js').then((m) => process.stdout.write(m.pricesCsv(m.demoPrices())))" > "$prices"
    cfg=$(config "control: { host: \"$CONTROL_HOST\", port: ${V2XSIM_CONTROL_PORT:-7300} }")
    # shellcheck disable=SC2046
    v2xsim scsp --config "$cfg" --host 0.0.0.0 --port "${V2XSIM_OCPI_PORT:-9200}" --public-url "http://$SCSP_HOST:${V2XSIM_OCPI_PORT:-9200}" \
      --cpo "http://$CSMS_HOST:${V2XSIM_CPO_OCPI_PORT:-9100}/ocpi/versions" --token-a "$TOKEN_A" --party "${V2XSIM_EMSP_PARTY:-NL/SCS}" \
      --prices "$prices" --currency EUR --departure-after 3h --energy-need 40 --discharge --rte 0.9 --battery 60000 --min-soc 30 --ev-max-discharge 7000 \
      $(sim_flags) "$@"
    ;;
  evse)
    # one station per container: its id from the container's host name, unique under --scale evse=N
    name="${V2XSIM_EVSE_NAME:-$(node -p "require('os').hostname()")}"
    address=$(own_address)
    mkdir -p "$DATA"
    cfg=$(config "control: { host: \"$CONTROL_HOST\", port: ${V2XSIM_CONTROL_PORT:-7200} }" "listen: { host: \"$address\", port: ${V2XSIM_SECC_PORT:-15118} }")
    # shellcheck disable=SC2046
    v2xsim evse --config "$cfg" --id "evse-$name" --station-id "CS-$name" --no-sdp --protocols "${V2XSIM_PROTOCOLS:-iso20-dc-scale,iso20-dc,iso2}" \
      --dc-max-power "${V2XSIM_EVSE_MAX_POWER_W:-50000}" --csms "ws://$CSMS_HOST:${V2XSIM_OCPP_PORT:-9000}/ocpp" --ocpp "${V2XSIM_OCPP_VERSION:-2.1}" \
      --ocpp-password "$STATION_PASSWORD" --data "$DATA" --meter-interval 30 $(sim_flags) "$@"
    ;;
  ev)
    cfg=$(config "control: { host: \"$CONTROL_HOST\", port: ${V2XSIM_CONTROL_PORT:-7000} }")
    # shellcheck disable=SC2046
    v2xsim ev --config "$cfg" --secc "${V2XSIM_SECC:-evse:15118}" --protocols "${V2XSIM_PROTOCOLS:-iso2}" --summary $(sim_flags) "$@"
    ;;
  demo)
    # the runner and dashboard: attached to the services (an EVSE name with several addresses is each of them)
    v2xsim demo --host 0.0.0.0 --port "${V2XSIM_DASHBOARD_PORT:-8080}" --public-read --speed "$SPEED" --out "${V2XSIM_OUT:-/out}/demo" \
      --attach "csms=http://$CSMS_HOST:7100" --attach "scsp=http://$SCSP_HOST:7300" --attach "evse=http://${V2XSIM_EVSE_HOST:-evse}:7200" "$@"
    ;;
  v2xsim)
    v2xsim "$@"
    ;;
  *)
    v2xsim "$role" "$@"
    ;;
esac
