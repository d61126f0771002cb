/* The ADIv5 JTAG-DP and its one MEM-AP (AP 0, an AHB-AP on the system bus), as OpenOCD 0.12's
 * adi_v5_jtag.c and arm_adi_v5.c drive them. Register layout: ADIv5.2 (ARM IHI 0031C) §2.3, §3.3, §7.
 *
 * Every transaction completes at once, so the ACK is always OK/FAULT, never WAIT. What a real DP
 * does and OpenOCD relies on:
 *  - a read's data comes back in the capture of the *next* DPACC/APACC scan (posted reads);
 *    OpenOCD collects the last one with a read of RDBUFF, which itself reads as zero;
 *  - CDBGPWRUPREQ/CSYSPWRUPREQ are acknowledged in CDBGPWRUPACK/CSYSPWRUPACK; without both, or
 *    with STICKYERR set, AP transactions are discarded (ADIv5.2 §2.4.3, §3.3.3);
 *  - a bus error sets STICKYERR, which the debugger clears by writing 1 to it in CTRL/STAT;
 *  - TAR auto-increment only carries inside a 1 KB block on ARMv6-M and 4 KB on ARMv7-M cores.
 */
#include "jtag_priv.h"

/* Packed transfers (CSW.AddrInc = 0b10) are not implemented, as on the Cortex-M0/M0+ DAP: the
 * field reads back as 0 and OpenOCD's mem_ap_init then uses single transfers. */
#define CSW_ADDRINC_PACKED (2u << CSW_ADDRINC_SHIFT)
/* Bits a debugger may set: Size, AddrInc, Mode, Prot/HNONSEC, DbgSwEnable. */
#define CSW_WRITABLE 0xff000f37u
/* No CoreSight ROM table is modelled behind the AP: BASE says "no debug entries" in the ADIv5
 * format (§7.2.2: Format = 1, Present = 0). OpenOCD 0.12's examine never reads it. */
#define AP_BASE_NO_ENTRIES 0x00000002u
#define CTRL_STICKY_W1C (CTRL_STICKYORUN | CTRL_STICKYCMP | CTRL_STICKYERR)
#define CTRL_WRITABLE (CTRL_CSYSPWRUPREQ | CTRL_CDBGPWRUPREQ | CTRL_CDBGRSTREQ | 0x00ffff0du) /* + ORUNDETECT, TRNMODE, MASKLANE, TRNCNT */

void jtag_dap_init(struct jtag_dap *dap, struct chip *chip)
{
	const struct bj_part *part = chip_part(chip);

	*dap = (struct jtag_dap){
		.chip = chip,
		.idcode = part->dap_id,
		.ap_idr = part->ap_idr,
		/* TAR auto-increments within this block and wraps at its end (OpenOCD splits transfers there). */
		.tar_wrap = bj_cores[part->core].tar_autoincr_block,
		.csw = CSW_DEVICEEN,
	};
}

static uint32_t ctrl_stat_read(const struct jtag_dap *dap)
{
	uint32_t v = dap->ctrl_stat;
	/* Power and reset requests are granted at once: the emulated domains are always on. */
	if (v & CTRL_CDBGPWRUPREQ)
		v |= CTRL_CDBGPWRUPACK;
	if (v & CTRL_CSYSPWRUPREQ)
		v |= CTRL_CSYSPWRUPACK;
	if (v & CTRL_CDBGRSTREQ)
		v |= CTRL_CDBGRSTACK;
	return v;
}

static void ctrl_stat_write(struct jtag_dap *dap, uint32_t v)
{
	uint32_t sticky = dap->ctrl_stat & CTRL_STICKY_W1C & ~v;
	dap->ctrl_stat = (v & CTRL_WRITABLE) | sticky | (dap->ctrl_stat & CTRL_READOK);
}

static uint32_t dp_read(struct jtag_dap *dap, unsigned a)
{
	switch (a) {
	case DP_DPIDR:
		return dap->idcode;
	case DP_CTRL_STAT:
		/* SELECT.DPBANKSEL picks CTRL/STAT (0) or the DPv1 banked registers, not modelled. */
		return (dap->select & 0xfu) == 0 ? ctrl_stat_read(dap) : 0;
	case DP_SELECT:
		return dap->select;
	default:
		return 0; /* RDBUFF is RAZ on a JTAG-DP: its scan only collects the previous result */
	}
}

static void dp_write(struct jtag_dap *dap, unsigned a, uint32_t v)
{
	if (a == DP_CTRL_STAT && (dap->select & 0xfu) == 0)
		ctrl_stat_write(dap, v);
	else if (a == DP_SELECT)
		dap->select = v;
	/* DPIDR and RDBUFF are read-only; ABORT is only reached through its own instruction. */
}

static unsigned csw_bytes(uint32_t csw)
{
	switch (csw & CSW_SIZE_MASK) {
	case 0:
		return 1;
	case 1:
		return 2;
	case 2:
		return 4;
	default:
		return 0; /* 64-bit and wider: this AHB-AP has no large-data extension (CFG.LD = 0) */
	}
}

/* One bus access of CSW.Size at addr; data travels in the byte lanes of addr (§7.2.3). */
static bool bus_access(struct jtag_dap *dap, uint32_t addr, bool write, uint32_t *lanes)
{
	unsigned bytes = csw_bytes(dap->csw);
	unsigned shift = 8 * (addr & 3);
	uint8_t buf[4] = {0};

	/* An unaligned transfer is IMPLEMENTATION DEFINED (§7.2.3): this AP answers with an error. */
	if (bytes == 0 || (addr & (bytes - 1)))
		return false;
	dap->ap_transfers++;
	if (write) {
		uint32_t v = *lanes >> shift;
		for (unsigned i = 0; i < bytes; i++)
			buf[i] = (uint8_t)(v >> (8 * i));
		return chip_mem_write(dap->chip, addr, buf, bytes) == 0;
	}
	if (chip_mem_read(dap->chip, addr, buf, bytes) != 0)
		return false;
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)buf[i] << (8 * i);
	*lanes = v << shift;
	return true;
}

static void tar_increment(struct jtag_dap *dap)
{
	if ((dap->csw & CSW_ADDRINC_MASK) != CSW_ADDRINC_SINGLE)
		return;
	uint32_t block = dap->tar & ~(dap->tar_wrap - 1);
	dap->tar = block | ((dap->tar + csw_bytes(dap->csw)) & (dap->tar_wrap - 1));
}

/* Returns false on a bus error (the caller sets STICKYERR). */
static bool ap_access(struct jtag_dap *dap, unsigned reg, bool read, uint32_t *v)
{
	if (reg == AP_DRW || (reg >= AP_BD0 && reg < AP_BD0 + 0x10)) {
		uint32_t addr = reg == AP_DRW ? dap->tar : (dap->tar & ~0xfu) + (reg - AP_BD0);
		bool ok = bus_access(dap, addr, !read, v);
		if (reg == AP_DRW)
			tar_increment(dap); /* the TAR moves on even after an error, as on silicon */
		return ok;
	}
	if (!read) {
		if (reg == AP_CSW) {
			uint32_t csw = *v & CSW_WRITABLE;
			if ((csw & CSW_ADDRINC_MASK) == CSW_ADDRINC_PACKED)
				csw &= ~CSW_ADDRINC_MASK;
			dap->csw = csw | CSW_DEVICEEN;
		} else if (reg == AP_TAR) {
			dap->tar = *v;
		}
		return true; /* CFG, BASE, IDR are read-only; other addresses are reserved (WI) */
	}
	switch (reg) {
	case AP_CSW:
		*v = dap->csw;
		break;
	case AP_TAR:
		*v = dap->tar;
		break;
	case AP_CFG:
		*v = 0; /* little-endian, 32-bit addresses and data */
		break;
	case AP_BASE:
		*v = AP_BASE_NO_ENTRIES;
		break;
	case AP_IDR:
		*v = dap->ap_idr;
		break;
	default:
		*v = 0;
		break;
	}
	return true;
}

static bool ap_usable(const struct jtag_dap *dap)
{
	uint32_t cs = ctrl_stat_read(dap);
	return (cs & CTRL_CDBGPWRUPACK) && (cs & CTRL_CSYSPWRUPACK) && !(cs & CTRL_STICKYERR);
}

static void ap_transaction(struct jtag_dap *dap, unsigned a, bool read, uint32_t data)
{
	unsigned apsel = dap->select >> 24;
	unsigned reg = (dap->select & 0xf0u) | a;
	uint32_t v = data;

	if (!ap_usable(dap)) {
		if (read)
			dap->read_result = 0;
		return; /* discarded: the debugger sees STICKYERR (or no power) in CTRL/STAT */
	}
	if (apsel != 0) {
		/* Only AP 0 exists; an empty AP slot reads as zero (IDR 0 ends OpenOCD's AP search). */
		if (read)
			dap->read_result = 0;
		return;
	}
	bool ok = ap_access(dap, reg, read, &v);
	if (!ok) {
		dap->ctrl_stat |= CTRL_STICKYERR;
		dap->ctrl_stat &= ~CTRL_READOK;
		v = 0;
	} else if (read) {
		dap->ctrl_stat |= CTRL_READOK;
	}
	if (read)
		dap->read_result = v;
}

uint64_t jtag_dap_capture(struct jtag_dap *dap, unsigned ir)
{
	if (ir == JTAG_IR_ABORT)
		return 0;
	return (uint64_t)dap->read_result << 3 | JTAG_ACK_OK_FAULT;
}

void jtag_dap_update(struct jtag_dap *dap, unsigned ir, uint64_t shifted)
{
	bool read = shifted & 1;
	unsigned a = (unsigned)((shifted >> 1) & 3) << 2;
	uint32_t data = (uint32_t)(shifted >> 3);

	if (ir == JTAG_IR_ABORT)
		return; /* DAPABORT: every transaction has already completed, there is nothing to abort */
	if (ir == JTAG_IR_DPACC) {
		if (read)
			dap->read_result = dp_read(dap, a);
		else
			dp_write(dap, a, data);
		return;
	}
	ap_transaction(dap, a, read, data);
}
