#include "output.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <string>
#include <unistd.h>

TEST_SUITE("output") {
  TEST_CASE("Output hands everything to the sink at flush") {
    std::string sunk;
    int flushes = 0;
    relu::Output out([&](std::string_view s) {
      sunk += s;
      ++flushes;
    });
    out.append("ab");
    std::string big(200'000, 'x'); // more than the initial buffer
    out.append(big);
    char* room = out.reserve(3);
    room[0] = 'c';
    out.commit(1);
    CHECK(sunk.empty());
    CHECK(out.size() == 2 + big.size() + 1);
    out.flush();
    CHECK(sunk == "ab" + big + "c");
    CHECK(out.size() == 0);
    out.flush(); // nothing buffered: the sink is not called
    CHECK(flushes == 1);
  }

  TEST_CASE("regression: appending nothing to a new Output") {
    // An Output that started without a buffer passed memcpy a null pointer
    // (UBSan, found by relu_fuzz).
    std::string sunk = "x";
    relu::Output out([&](std::string_view s) { sunk += s; });
    out.append("");
    out.flush();
    CHECK(sunk == "x");
  }

  TEST_CASE("fd_sink writes all bytes to a pipe") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    relu::fd_sink(fds[1])("hello\n");
    ::close(fds[1]);
    char buf[16] = {};
    CHECK(::read(fds[0], buf, sizeof buf) == 6);
    CHECK(std::string(buf) == "hello\n");
    ::close(fds[0]);
  }

  TEST_CASE("fd_sink reports write errors") {
    struct Row {
      const char* path;
      const char* message;
    };

    for (const auto& row :
         {Row{"/dev/full", "write error: No space left on device"},
          Row{nullptr, "write error: Bad file descriptor"}}) {
      const auto& path = row.path;
      const auto& message = row.message;
      int fd = path ? ::open(path, O_WRONLY) : 1000;
      std::string what;
      try {
        relu::fd_sink(fd)("x");
      } catch (const relu::IoError& e) {
        what = e.what();
      }
      CHECK(what == message);
      if (path)
        ::close(fd);
    }
  }
}
