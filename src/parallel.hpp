// Conversion on several threads: the input is cut at record ends into
// pieces, each converted by a Stream of its own, and the results are written
// in input order, exactly as one Stream would write them.
#pragma once

#include "options.hpp"
#include "output.hpp"
#include "stream.hpp"

#include <cstddef>
#include <functional>

namespace relu {

// Whether converting fields costs enough for threads to pay: some kind of
// number is computed and printed rather than kept or replaced by a
// constant. Otherwise reading and copying bytes is all the work, and one
// thread keeps up with the pipe.
bool conversions_cost(const Options& options) noexcept;

// Return how many CPUs this process may run on (its affinity mask, as nproc
// counts them), at least 1. Threads beyond these only wait for their turn
// while each holds a few chunks of memory, so no run uses more.
unsigned available_cpus() noexcept;

// Where run_parallel reads: read as a Reader does; stop, when set, may be
// called from any thread to make a read that is blocked, or that starts
// later, return 0 soon, once the run needs no more input.
struct Source {
  Reader read;
  std::function<void()> stop;
};

// Return a source that reads fd, retrying interrupted reads, and whose stop
// ends a read waiting for a slow producer. Throw IoError if it cannot be
// set up.
Source fd_source(int fd);

// What a run found, for the exit status.
struct Outcome {
  bool aborted = false; // --invalid=abort stopped at a bad field
  bool invalid = false; // some field was not a number
};

// Feed everything read through Streams on `jobs` threads (the calling one
// among them), in pieces of whole records of up to chunk bytes, writing to
// sink and report exactly what run() with one Stream writes: the same bytes,
// each message after the output before it, nothing after an abort, and the
// output of each piece as soon as the pieces before it are written. A read
// that brings no record end (a slow producer, a record longer than a chunk)
// is processed as it arrives by one Stream, as run() would. Throw IoError
// as run() does, after writing what run() would have written.
Outcome run_parallel(const Options& options, const Sink& sink,
                     const Reporter& report, const Source& source,
                     unsigned jobs, std::size_t chunk = 128 * 1024);

} // namespace relu
