#pragma once
// A plain HTTP/1.1 client for tests of brocluster-web: one GET per connection, read to the
// end within a deadline, and a Server-Sent Events reader that returns one event at a time.
// Loopback IPv4 only. Owned by one test thread.

#include <map>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/unique_fd.h"

namespace bc::test {

struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// GET `path` from 127.0.0.1:`port` with `headers` ("Name: value\r\n" lines); nullopt when
// no complete answer came within `timeout`.
std::optional<HttpAnswer> http_get(int port, const std::string& path,
                                   const std::string& headers = {}, Millis timeout = Millis(5000));

// A connection to 127.0.0.1:`port` that sends nothing (a slow or hostile client), or -1.
UniqueFd open_idle_connection(int port);
// Whether the server closed `fd` (a read returns 0 or an error) within `timeout`; what it
// sent meanwhile is appended to `*received` when given.
bool wait_closed(int fd, Millis timeout, std::string* received = nullptr);

struct SseEvent {
  std::string id;
  std::string type;  // "message" when the event has no `event:` line
  std::string data;
};

class SseStream {
 public:
  // Opens GET `path` with `headers`; ok() says whether the 200 head arrived in time.
  SseStream(int port, const std::string& path, const std::string& headers = {},
            Millis timeout = Millis(5000));
  bool ok() const { return ok_; }
  // The next event (comments and `retry:` skipped); nullopt at the deadline or the end.
  std::optional<SseEvent> next(Millis timeout);

 private:
  bool fill(Millis timeout);
  UniqueFd fd_;
  std::string buf_;
  bool ok_ = false;
};

// The value of the sample whose name and labels are exactly `series` in a Prometheus text
// exposition ("name{a=\"b\"}"), or nullopt.
std::optional<double> metric_value(const std::string& text, const std::string& series);

}  // namespace bc::test
