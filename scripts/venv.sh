# Sourced by the README's two commands: make (once) and use the project's own virtual
# environment, so nothing is installed into the system's Python (Debian's refuses it:
# PEP 668 "externally-managed-environment") and a second run reinstalls nothing.
#
#   ensure_venv EXTRAS     e.g. "" or "test"; sets $PY to the environment's python
#
# SNMP_COMPONENT_VENV picks another folder (default .venv); PYTHON another interpreter
# (>= 3.11) to build it with.

ensure_venv() {
  local extras="$1"
  local venv="${SNMP_COMPONENT_VENV:-.venv}"
  local base="${PYTHON:-}"
  if [ -z "$base" ]; then
    for candidate in python3 python3.13 python3.12 python3.11; do
      if command -v "$candidate" >/dev/null 2>&1 &&
         "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        base="$candidate"; break
      fi
    done
  fi
  if [ -z "$base" ]; then
    echo "snmp_component needs Python >= 3.11; none found (set PYTHON=/path/to/python3)" >&2
    return 1
  fi

  if [ ! -x "$venv/bin/python" ]; then
    if ! "$base" -c 'import ensurepip, venv' >/dev/null 2>&1; then
      # Debian ships venv/ensurepip separately: python3-venv (python3.X-venv).
      local pkg
      pkg="python$("$base" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv"
      echo "== installing Debian's $pkg (python3 -m venv needs it)"
      local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "$pkg" || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
    fi
    echo "== creating the virtual environment $venv"
    rm -rf "$venv"
    "$base" -m venv "$venv"
  fi
  PY="$venv/bin/python"

  # Reinstall only when what the install depends on changed (or the extras differ).
  local stamp="$venv/.snmp_component-$( [ -n "$extras" ] && echo "$extras" || echo base )"
  local want
  want="$(cat setup.cfg pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "== installing the package${extras:+ with its $extras extras} into $venv"
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    "$PY" -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
    echo "$want" > "$stamp"
  fi
  # Byte-code for the package, written even where PYTHONDONTWRITEBYTECODE is set: without it
  # every `snmpc` compiles ~40 modules first (0.21 s instead of 0.13 s). Up to date: ~30 ms.
  "$PY" -m compileall -q -j 0 snmp_component >/dev/null
}
