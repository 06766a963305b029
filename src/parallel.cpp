// Threads take turns, not roles: each reads the next piece under one lock,
// converts it into a buffer of its own while the others read and convert
// theirs, and writes it when every piece before it is written. So reading
// stays in order without a reader thread, and memory is bounded by what
// each thread holds.
#include "parallel.hpp"

#include "csv.hpp"
#include "exact/exact.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <fcntl.h>
#include <iterator>
#include <memory>
#include <mutex>
#include <poll.h>
#include <sched.h>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

namespace relu {

bool conversions_cost(const Options& options) noexcept {
  // NaN is left out: it is rare in data, and -g computes it, cheaply.
  for (Kind kind : {Kind::negative, Kind::zero, Kind::positive})
    if (conversion_rule(options.activation, options.format, kind) ==
        Rule::compute)
      return true;
  return false;
}

unsigned available_cpus() noexcept {
  cpu_set_t cpus;
  if (::sched_getaffinity(0, sizeof cpus, &cpus) == 0)
    return static_cast<unsigned>(std::max(CPU_COUNT(&cpus), 1));
  return std::max(std::thread::hardware_concurrency(), 1u);
}

namespace {

// A pipe that poll watches next to the input: a byte in it ends the wait.
class Wakeup {
public:
  Wakeup() {
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0)
      throw IoError(std::string("pipe: ") + std::strerror(errno));
  }

  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  ~Wakeup() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }

  // Wait until fd has something to say (data, its end, an error); return
  // false if woken instead.
  bool wait(int fd) const noexcept {
    pollfd watched[2] = {{fd, POLLIN, 0}, {fds_[0], POLLIN, 0}};
    while (::poll(watched, 2, -1) < 0 && errno == EINTR) {
    }
    return watched[1].revents == 0;
  }

  void wake() const noexcept {
    char byte = 0;
    // A full pipe already holds a byte that wakes, so a failure is harmless.
    [[maybe_unused]] ssize_t n = ::write(fds_[1], &byte, 1);
  }

private:
  int fds_[2];
};

// Where pieces may be cut: right after a record end, which with --csv must
// lie outside quotes. A scan goes on from where the last one stopped until
// restart(), as reads follow each other.
class RecordEnds {
public:
  explicit RecordEnds(const Options& options)
      : csv_(options.csv), terminator_(options.terminator),
        lexer_(options.delimiter.value_or(','), options.terminator) {}

  // Where the last record in some data ends, and the records and lines
  // before that; size 0 if no record ends in it.
  struct Found {
    std::size_t size = 0;
    std::uint64_t records = 0;
    std::uint64_t lines = 0;
  };

  // Start again at a record's start.
  void restart() noexcept {
    lexer_.reset();
    lexer_.take_lines();
  }

  // Scan data, which follows what was scanned since restart().
  Found last(std::string_view data) noexcept {
    if (!csv_) {
      const std::size_t at = data.rfind(terminator_);
      if (at == std::string_view::npos)
        return {};
      const auto n = static_cast<std::uint64_t>(
          std::count(data.begin(), data.begin() + at + 1, terminator_));
      return {at + 1, n, n};
    }
    Found found;
    std::uint64_t records = 0, lines = 0;
    const char* p = data.data();
    const char* const end = p + data.size();
    for (const char* r; (r = lexer_.find_terminator(p, end)) != end;) {
      lexer_.reset();
      ++records;
      lines += lexer_.take_lines() + 1;
      found = {static_cast<std::size_t>(r + 1 - data.data()), records, lines};
      p = r + 1;
    }
    return found;
  }

private:
  bool csv_;
  char terminator_;
  csv::Lexer lexer_;
};

// Output a piece may hold while pieces before it are being converted: a few
// chunks, since --format can make output longer than input. Past it, the
// thread waits for its turn and writes straight to the sink.
constexpr std::size_t held_chunks = 4;

// A message held back, and where in its piece's output it belongs.
struct HeldMessage {
  std::size_t at;
  std::uint64_t record;
  std::uint64_t field;
  std::string text;
};

// Thrown on a thread whose piece is no longer wanted: a piece before it
// stopped the run.
struct Discarded {};

// What the threads share: the reading position under read_mutex, and the
// turn to write under turn_mutex.
struct Shared {
  Shared(const Options& o, const Sink& out, const Reporter& r, const Source& in,
         std::size_t size)
      : options(o), sink(out), report(r), source(in), chunk(size) {}

  const Options& options;
  const Sink& sink;
  const Reporter& report;
  const Source& source;
  std::size_t chunk;

  std::mutex read_mutex;
  std::string tail; // the start of a record whose end has not been read
  RecordEnds record_ends{options};
  std::uint64_t next_piece = 0;
  StreamStart next; // where the next piece starts
  bool input_done = false;

  std::mutex turn_mutex;
  std::condition_variable turn_changed;
  std::uint64_t turn = 0; // the piece whose output is written next
  std::atomic<bool> stopped = false;
  std::exception_ptr error;
  Outcome outcome;

  // End the run: nothing more is read or written. Call with turn_mutex held.
  void stop() {
    stopped = true;
    turn_changed.notify_all();
    if (source.stop)
      source.stop();
  }
};

class Worker {
public:
  explicit Worker(Shared& shared)
      : s_(shared), buffer_(new char[shared.chunk]),
        out_([this](std::string_view bytes) { take(bytes); }) {}

  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Take pieces until the input or the run ends; a failure ends the run
  // when its turn comes, so that what comes before it is written.
  void work() noexcept {
    try {
      loop();
    } catch (const Discarded&) {
    } catch (...) {
      fail(std::current_exception());
    }
  }

private:
  void loop();
  void sequential(std::size_t size);
  bool read_failed(std::size_t size);
  void convert(std::string_view piece, StreamStart start);
  void take(std::string_view bytes);
  void take(const Diagnostic& d);
  bool wait_turn();
  void start_writing();
  void end_turn(const Stream& stream);
  void fail(std::exception_ptr error) noexcept;

  Shared& s_;
  std::unique_ptr<char[]> buffer_;
  Output out_;
  std::string held_; // output of the piece, until its turn
  std::vector<HeldMessage> messages_;
  std::uint64_t piece_ = 0; // the number of the piece in hand
  bool writing_ = false;    // its turn has come: output goes to the sink
};

void Worker::loop() {
  for (;;) {
    std::unique_lock lock(s_.read_mutex);
    if (s_.input_done || s_.stopped)
      return;
    piece_ = s_.next_piece++;
    // The tail is shorter than a chunk: a chunk without a record end is
    // processed at once, not kept.
    std::size_t size = s_.tail.size();
    std::memcpy(buffer_.get(), s_.tail.data(), size);
    s_.tail.clear();
    std::size_t got = 0;
    try {
      got = s_.source.read(buffer_.get() + size, s_.chunk - size);
    } catch (const IoError&) {
      s_.input_done = true;
      if (read_failed(size))
        throw;
      return;
    }
    size += got;
    const StreamStart start = s_.next;
    std::string_view data(buffer_.get(), size);
    s_.record_ends.restart(); // the data starts with a record
    const RecordEnds::Found last = s_.record_ends.last(data);
    if (got == 0) {
      s_.input_done = true;
    } else if (last.size == 0) {
      sequential(size);
      continue;
    } else {
      data = data.substr(0, last.size);
      s_.tail.assign(buffer_.get() + data.size(), size - data.size());
      s_.next.record += last.records;
      s_.next.line += last.lines;
    }
    lock.unlock();
    convert(data, start);
  }
}

// A read that brought no record end: a slow producer, or a record longer
// than a chunk. When its turn comes, one Stream takes it as run() would,
// reading on (with the read lock held) until a read brings a record end;
// what follows the last one is left for the next piece.
void Worker::sequential(std::size_t size) {
  if (!wait_turn())
    throw Discarded{};
  Output direct(s_.sink);
  Stream stream(s_.options, direct, s_.report, s_.next);
  bool started = false, ended = false;
  Reader until_record_end = [&](char* buf, std::size_t n) -> std::size_t {
    if (!started) {
      started = true; // n is a whole chunk, and size at most one
      std::memcpy(buf, buffer_.get(), size);
      return size;
    }
    if (ended)
      return 0; // the stream has consumed up to a record end: all of it
    std::size_t got = s_.source.read(buf, n);
    // The scan goes on from the data before, which held no record end.
    const RecordEnds::Found last = s_.record_ends.last({buf, got});
    if (got == 0) {
      s_.input_done = true;
    } else if (last.size != 0) {
      ended = true;
      s_.tail.assign(buf + last.size, got - last.size);
      s_.next.record += last.records;
      s_.next.line += last.lines;
      return last.size;
    }
    return got;
  };
  run(stream, direct, until_record_end, s_.chunk);
  end_turn(stream);
}

// A read failed with size bytes in hand, the start of a record: when its
// turn comes, write what run() writes before the error, the fields of the
// record that are complete. Return whether the error stands: not if that
// stopped at a bad field, since run() stops there before reading on.
bool Worker::read_failed(std::size_t size) {
  if (!wait_turn())
    throw Discarded{};
  Output direct(s_.sink);
  Stream stream(s_.options, direct, s_.report, s_.next);
  stream.process({buffer_.get(), size}, false);
  direct.flush();
  if (!stream.aborted())
    return true;
  end_turn(stream);
  return false;
}

void Worker::convert(std::string_view piece, StreamStart start) {
  writing_ = false;
  Stream stream(
      s_.options, out_, [this](const Diagnostic& d) { take(d); }, start);
  stream.process(piece, true); // a piece ends at a record end or the input's
  out_.flush();
  if (!writing_)
    start_writing();
  end_turn(stream);
}

// The sink of out_.
void Worker::take(std::string_view bytes) {
  if (!writing_ && held_.size() + bytes.size() > held_chunks * s_.chunk)
    start_writing();
  if (writing_)
    s_.sink(bytes);
  else
    held_.append(bytes);
}

// The reporter of the piece's Stream, which flushes out_ before it reports.
void Worker::take(const Diagnostic& d) {
  if (writing_)
    s_.report(d);
  else
    messages_.push_back({held_.size(), d.record, d.field, std::string(d.text)});
}

// Wait until every piece before this one is written; return false if the
// run was stopped instead.
bool Worker::wait_turn() {
  std::unique_lock lock(s_.turn_mutex);
  s_.turn_changed.wait(lock,
                       [this] { return s_.turn == piece_ || s_.stopped; });
  return !s_.stopped;
}

// Write what the piece holds, its messages where they belong, and from now
// on write as it comes.
void Worker::start_writing() {
  if (!wait_turn())
    throw Discarded{};
  writing_ = true;
  std::size_t from = 0;
  for (const auto& m : messages_) {
    if (m.at != from)
      s_.sink({held_.data() + from, m.at - from});
    from = m.at;
    s_.report({m.record, m.field, m.text});
  }
  if (from != held_.size())
    s_.sink({held_.data() + from, held_.size() - from});
  held_.clear();
  messages_.clear();
}

void Worker::end_turn(const Stream& stream) {
  std::lock_guard lock(s_.turn_mutex);
  s_.outcome.aborted |= stream.aborted();
  s_.outcome.invalid |= stream.saw_invalid();
  if (stream.aborted())
    s_.stop();
  ++s_.turn;
  s_.turn_changed.notify_all();
}

// Not the read lock: a thread that holds it may be waiting for its turn,
// which comes after this one. Stopping the run stops the readers too.
void Worker::fail(std::exception_ptr error) noexcept {
  std::unique_lock lock(s_.turn_mutex);
  s_.turn_changed.wait(lock,
                       [this] { return s_.turn == piece_ || s_.stopped; });
  if (s_.stopped)
    return; // an earlier piece ended the run: this failure never happened
  s_.error = error;
  s_.stop();
}

} // namespace

Source fd_source(int fd) {
  Reader read = fd_reader(fd);
  // A closed fd gets no wakeup: the pipe would take its number, and reading
  // it fails at once anyway.
  if (::fcntl(fd, F_GETFD) == -1)
    return {read, {}};
  auto wakeup = std::make_shared<Wakeup>();
  return {[fd, wakeup, read](char* buf, std::size_t n) -> std::size_t {
            return wakeup->wait(fd) ? read(buf, n) : 0;
          },
          [wakeup] { wakeup->wake(); }};
}

Outcome run_parallel(const Options& options, const Sink& sink,
                     const Reporter& report, const Source& source,
                     unsigned jobs, std::size_t chunk) {
  Shared shared{options, sink, report, source, chunk};
  // Every buffer is allocated here, so that running out of memory fails
  // before anything is read.
  std::deque<Worker> workers;
  for (unsigned i = 0; i < std::max(jobs, 1u); ++i)
    workers.emplace_back(shared);
  {
    // std::thread joined by hand, not std::jthread, which libc++ 14 lacks;
    // reserved first, so that nothing but starting a thread can throw once
    // one runs.
    std::vector<std::thread> threads;
    threads.reserve(workers.size());
    // Not views::drop(1): clang 14 cannot compile libstdc++ 12's ranges.
    for (auto it = std::next(workers.begin()); it != workers.end(); ++it) {
      try {
        threads.emplace_back([&worker = *it] {
          worker.work();
          release_thread_caches();
        });
      } catch (const std::system_error&) {
        break; // the threads that started do the work of those that did not
      }
    }
    workers.front().work();
    for (std::thread& thread : threads)
      thread.join();
  }
  if (shared.error)
    std::rethrow_exception(shared.error);
  return shared.outcome;
}

} // namespace relu
