#pragma once
// The Clock seam: every deadline, backoff and heartbeat in BroCluster reads time through
// this interface so that tests can drive time with FakeClock instead of sleeping.
// Thread-compatible: a Clock is owned by one event loop.

#include <chrono>
#include <cstdint>

namespace bc {

using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time for deadlines.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Wall time in microseconds since the epoch, for timestamps that leave the process.
  virtual std::int64_t wall_us() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  std::int64_t wall_us() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  std::int64_t wall_us() const override { return wall_us_; }
  void advance(std::chrono::microseconds d) {
    now_ += d;
    wall_us_ += d.count();
  }

 private:
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1000)};
  std::int64_t wall_us_ = 1'700'000'000'000'000;
};

}  // namespace bc
