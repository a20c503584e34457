# Sourced by the peer's scripts: sets $peer_python to the first interpreter that imports the peer's packages
# ($PEER_PYTHON, then Debian's /usr/bin/python3, then python3 on PATH: a pyenv shim may shadow Debian's), or leaves
# it empty and $peer_python_why saying what is missing.
peer_modules="fastapi uvicorn sqlalchemy asyncpg jwt pydantic"
peer_python=""
peer_python_why=""
for candidate in ${PEER_PYTHON:-} /usr/bin/python3 python3; do
  command -v "$candidate" >/dev/null 2>&1 || { peer_python_why="$peer_python_why; $candidate: not found"; continue; }
  missing=$("$candidate" - $peer_modules <<'PY' 2>&1
import importlib, sys
missing = []
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as e:
        missing.append(f"{name} ({type(e).__name__})")
try:
    import sqlalchemy.ext.asyncio
    if not sqlalchemy.__version__.startswith(("1.4", "2.")):
        missing.append(f"sqlalchemy >= 1.4 (found {sqlalchemy.__version__})")
except Exception:
    pass
print(", ".join(missing))
PY
) || missing="cannot run"
  if [ -z "$missing" ]; then
    peer_python=$(command -v "$candidate")
    break
  fi
  peer_python_why="$peer_python_why; $candidate: missing $missing"
done
peer_python_why="${peer_python_why#; }"
