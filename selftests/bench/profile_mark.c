// SPDX-License-Identifier: GPL-2.0
/*
 * The marker of make bench-profile: tbprof, the QEMU plugin, writes the
 * counts since the last marker when the guest executes this instruction.
 */
int main(void)
{
	__asm__ volatile("xchg %bx, %bx");
	return 0;
}
