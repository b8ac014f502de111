"""A non-editable install carries templates, data, static files and migrations: it runs from any folder."""
import os
import site
import subprocess
import sys
import time
import urllib.request
import venv

from conftest import _free_port
from mapapp.core.paths import PROJECT_ROOT


def test_installed_wheel_serves_the_map_from_another_folder(tmp_path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    # The dependencies come from the test environment (a path entry, so no network is needed);
    # mapapp itself only from the wheel built here.
    inner = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    outer = [p for p in site.getsitepackages() if p.endswith("site-packages")][0]
    with open(os.path.join(inner, "zz_test_deps.pth"), "w", encoding="utf-8") as fh:
        fh.write(outer + "\n")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"),
                    str(PROJECT_ROOT)], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("mapapp-*.whl"))
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True, cwd=tmp_path)
    where = subprocess.run([python, "-c", "import mapapp; print(mapapp.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(target)), where
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = _free_port()
    env = {**os.environ, "MAPAPP_SECRET_KEY": "wheel-test", "MAPAPP_DATABASE_URL": f"sqlite:///{elsewhere / 'w.sqlite'}",
           "PYTHONPATH": ""}
    server = subprocess.Popen([python, "-m", "flask", "--app", "mapapp", "run", "--port", str(port)], cwd=elsewhere,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        pages = {}
        for path in ("/", "/area/hageby", "/static/vendor/leaflet/leaflet.js"):
            for _ in range(150):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                        pages[path] = (r.status, r.read().decode("utf-8", "replace"))
                    break
                except OSError:
                    time.sleep(0.2)
        assert pages["/"][0] == 200 and "Hageby" in pages["/"][1]
        assert pages["/area/hageby"][0] == 200 and "Hageby" in pages["/area/hageby"][1]
        assert pages["/static/vendor/leaflet/leaflet.js"][0] == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode("utf-8", "replace")
    assert "Traceback" not in output, output
