/* true: exits with status 0 and does nothing else. The smallest program
 * that still goes through a whole spawn, exit and wait: make bench times
 * that round trip with it (ubench spawn), as Linux's figure is timed with
 * a two-instruction static binary. Here main is reached through crt0 and
 * left through exit(), a few instructions more.
 *
 * usage: true */
int main(void)
{
	return 0;
}
