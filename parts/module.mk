# parts/: the database, its checks, and everything generated from it (into build/gen/).
PART_HEADERS := $(foreach p,$(BJ_PARTS),$(GEN)/$(p)/bj_part.h)
PART_LINKER := $(foreach p,$(BJ_PARTS),$(GEN)/$(p)/memory.ld)
GEN_PARTS := $(GEN)/bj_parts.h $(GEN)/bj_parts.tcl $(PART_HEADERS) $(PART_LINKER)

ALL += $(GEN_PARTS)
TESTS += test-parts
.PHONY: gen parts parts-check parts-fmt test-parts

gen: $(GEN_PARTS)

$(GEN)/bj_parts.h: $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m parts.gen c-table $@

$(GEN)/bj_parts.tcl: $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m parts.gen tcl $@

$(GEN)/%/bj_part.h: $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m parts.gen part-h $* $@

$(GEN)/%/memory.ld: $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m parts.gen linker $* $@

parts:
	@$(PYTHON) -m parts table

parts-check:
	$(PYTHON) -m parts.format $(PARTS_JSON) --check
	$(PYTHON) -m parts check

parts-fmt:
	$(PYTHON) -m parts.format $(PARTS_JSON)

test-parts: parts-check $(GEN_PARTS)
	$(PYTEST) parts/tests
