/* use-planted: linked against libplanted.so, found through LD_LIBRARY_PATH. */
#include <stdio.h>

const char *planted_hello(void);

int main(void)
{
	puts(planted_hello());
	return 0;
}
