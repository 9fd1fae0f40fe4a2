#!/usr/bin/perl
# prove ... | timing-table.pl STATEFILE
#
# Passes prove's output through as it comes, holds back prove's closing
# summary (from "All tests successful." or "Test Summary Report" to the
# end), and when prove is done prints a table of each test's wall time from
# the state file prove wrote (prove --state=save --statefile=STATEFILE),
# slowest first, then every failed test again with the comment lines that
# follow it (a reader of the output's last lines alone sees why), and then
# the held summary, so that prove's "Result:" line stays the last line of
# the output.  Exit status: 0 (the caller takes prove's own).
use strict;
use warnings;

my $state = shift @ARGV or die "usage: prove ... | $0 STATEFILE\n";
$| = 1;
my @held;
# failures: [file, "not ok" line, the comment lines after it]
my (@failures, $file, $after);
my $max_after = 15;
sub note_failure {
	my ($line) = @_;
	if ($line =~ m{^(\S+\.t) \.\.}) {
		($file, $after) = ($1, undef);
	} elsif ($line =~ /^not ok \d+/) {
		push @failures, [$file // '?', $line, []];
		$after = $failures[-1][2];
	} elsif (defined $after && $line =~ /^#/) {
		push @$after, $line if @$after < $max_after;
	} else {
		$after = undef;
	}
}
while (my $line = <STDIN>) {
	note_failure($line);
	if (!@held && $line =~ /^(All tests successful\.|Test Summary Report|Files=\d+, Tests=)/) {
		push @held, $line;
	} elsif (@held && $line =~ m{^\S+\.t \.\.}) {
		# a test's own output looked like a summary: not the end after all
		print @held, $line;
		@held = ();
	} elsif (@held) {
		push @held, $line;
	} else {
		print $line;
	}
}

# The state file is YAML written by TAP::Harness: under "tests:", each
# test's name at four spaces' indent (two in older versions), its fields
# below it.
my (%elapsed, %result, $name);
if (open(my $fh, '<', $state)) {
	my $in_tests = 0;
	while (<$fh>) {
		if (/^tests:/) { $in_tests = 1; next; }
		next unless $in_tests;
		last if /^\S/;
		if (/^  (\S.*):\s*$/) { $name = $1; $name =~ s/^'(.*)'$/$1/; next; }
		$elapsed{$name} = $1 if defined $name && /^\s+elapsed:\s*([0-9.eE+-]+)/;
		$result{$name} = $1 if defined $name && /^\s+last_result:\s*(\d+)/;
	}
	close $fh;
}
if (%elapsed) {
	my $total = 0;
	$total += $_ for values %elapsed;
	print "\nWall time per test, slowest first (sum ", sprintf("%.0f", $total), " s):\n";
	for my $t (sort { $elapsed{$b} <=> $elapsed{$a} || $a cmp $b } keys %elapsed) {
		printf "%9.1f s  %-44s %s\n", $elapsed{$t}, $t,
			($result{$t} // 1) ? 'FAILED' : 'ok';
	}
	print "\n";
} else {
	print "\n(no per-test timings: $state was not written)\n\n";
}
if (@failures) {
	my $n = @failures;
	print "Failed tests ($n), each with up to $max_after comment lines after it:\n";
	for my $f (@failures) {
		print "  $f->[0]: $f->[1]";
		print "    $_" for @{$f->[2]};
	}
	print "\n";
}
print @held;
exit 0;
