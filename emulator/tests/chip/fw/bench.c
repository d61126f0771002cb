/* A free-running workload for `make bench`: CRC-32 over a RAM buffer, forever. */
#include <stdint.h>

static uint8_t buf[256];
volatile uint32_t crc_out;

int main(void)
{
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	for (;;) {
		uint32_t crc = 0xffffffffu;
		for (unsigned i = 0; i < sizeof(buf); i++) {
			crc ^= buf[i];
			for (unsigned k = 0; k < 8; k++)
				crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
		}
		crc_out = crc;
	}
}
