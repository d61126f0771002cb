# traces/: the one reader, validator and writer of bootjump-trace/1 (traces/schema.py).
TESTS += test-traces
.PHONY: test-traces

test-traces:
	$(PYTEST) traces/tests
