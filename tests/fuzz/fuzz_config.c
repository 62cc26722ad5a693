/*
 * fuzz_config.c - libFuzzer harness for the configuration parser
 * (sg_config_parse in sg/config.h): any bytes, parsed over the defaults.
 * The result must be 0 or a negative SG_E* code with a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_config c;
	struct sg_diag d;
	int ret;

	sg_config_init(&c);
	sg_diag_clear(&d);
	ret = sg_config_parse(&c, (const char *)data, size, "fuzz.json", &d);
	if (ret > 0 || ret < SG_EVERSION)
		abort();
	if (ret && (!d.set || !d.msg[0]))
		abort();
	/* a second parse over the first result, as a flag would */
	if (!ret)
		(void)sg_config_parse(&c, (const char *)data, size, "fuzz.json",
				      &d);
	sg_config_release(&c);
	return 0;
}
