import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import pytest  # noqa: E402

from reports.tests import tracegen  # noqa: E402


@pytest.fixture(scope="session")
def fixture_traces(tmp_path_factory):
    """fixture_traces(name) -> (trace path, app ELF path): traces written by the test fixture
    (thumbsim), generated once per test session."""
    out = tmp_path_factory.mktemp("fixture-traces")
    made = {}

    def get(name):
        if name not in made:
            made[name] = tracegen.generate(name, str(out))
        return made[name]
    return get
