/* libplanted.so: a library whose one function says it was mapped. */
const char *planted_hello(void);

const char *planted_hello(void)
{
	return "libplanted mapped";
}
