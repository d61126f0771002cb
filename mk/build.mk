# Stage 2 of the build (see Makefile). Each component keeps its rules in its own module.mk and
# appends to ALL (what `make` builds), TESTS (what `make test` runs, in order) and BENCHES.
PYTHON ?= /usr/bin/python3
BUILD := build
GEN := $(BUILD)/gen
BIN := $(BUILD)/bin

HOST_CC ?= gcc
HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -I$(GEN)
ARM_CC := arm-none-eabi-gcc
ARM_OBJCOPY := arm-none-eabi-objcopy
ARM_STRIP := arm-none-eabi-strip
PYTEST := $(PYTHON) -m pytest -q -p no:cacheprovider

PARTS_JSON := parts/stm32.json
PARTS_PY := $(wildcard parts/*.py)
BJ_PARTS := $(shell $(PYTHON) -m parts names)
ifeq ($(BJ_PARTS),)
$(error cannot list the parts: `$(PYTHON) -m parts names` failed (see above))
endif

ALL :=
TESTS :=
BENCHES :=

.DEFAULT_GOAL := all
.PHONY: all test bench demo

include parts/module.mk
include $(filter-out parts/module.mk,$(sort $(wildcard */module.mk */*/module.mk)))

all: $(ALL)

# Tests run in the order the modules registered them, after everything is built. Each test
# target names what it needs itself, so `make test-emulator` builds only what that test uses.
test: all $(TESTS)

bench: all $(BENCHES)
