// Values made ahead of their use, in a fixed order, on a thread of their own, within a memory budget.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "relais/base/error.hpp"

namespace relais {

/// Makes `make(key)` for each key of `order`, in that order, on a background thread, while the values
/// made and not yet taken hold less than `budget` bytes (as `bytes(value)` counts them): at most the
/// budget plus one value, and always at least one value, however large. Take() hands the values back
/// in the same order and rethrows what `make` threw; after a throw nothing further is made. The
/// destructor stops the thread (a value being made is finished first) and drops what was not taken.
template <typename Key, typename T>
class OrderedPrefetch {
 public:
  OrderedPrefetch(std::vector<Key> order, std::function<T(const Key&)> make, std::function<std::size_t(const T&)> bytes,
                  std::size_t budget)
      : order_(std::move(order)), make_(std::move(make)), bytes_(std::move(bytes)), budget_(budget) {
    thread_ = std::thread([this] { Run(); });
  }
  ~OrderedPrefetch() {
    {
      const std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  OrderedPrefetch(const OrderedPrefetch&) = delete;
  OrderedPrefetch& operator=(const OrderedPrefetch&) = delete;

  /// The value of `key`, which must be the next key of the order not taken yet (relais::Error,
  /// kInternal, otherwise); waits for it to be made.
  T Take(const Key& key) {
    std::unique_lock lock(mu_);
    if (taken_ >= order_.size() || !(order_[taken_] == key))
      throw Error(ErrorKind::kInternal, "a prefetched value was asked for out of order");
    cv_.wait(lock, [&] { return !ready_.empty() || error_; });
    if (ready_.empty()) std::rethrow_exception(error_);
    T value = std::move(ready_.front().first);
    held_ -= ready_.front().second;
    ready_.pop_front();
    ++taken_;
    lock.unlock();
    cv_.notify_all();
    return value;
  }

  /// The most bytes held by values made and not yet taken at any moment so far.
  std::size_t peak_bytes() const {
    const std::lock_guard lock(mu_);
    return peak_;
  }

 private:
  void Run() {
    for (const Key& key : order_) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || ready_.empty() || held_ < budget_; });
        if (stop_) return;
      }
      try {
        T value = make_(key);
        const std::size_t n = bytes_(value);
        {
          const std::lock_guard lock(mu_);
          ready_.emplace_back(std::move(value), n);
          held_ += n;
          if (held_ > peak_) peak_ = held_;
        }
      } catch (...) {
        {
          const std::lock_guard lock(mu_);
          error_ = std::current_exception();
        }
        cv_.notify_all();
        return;
      }
      cv_.notify_all();
    }
  }

  const std::vector<Key> order_;
  const std::function<T(const Key&)> make_;
  const std::function<std::size_t(const T&)> bytes_;
  const std::size_t budget_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<T, std::size_t>> ready_;
  std::size_t held_ = 0;
  std::size_t peak_ = 0;
  std::size_t taken_ = 0;
  std::exception_ptr error_;
  bool stop_ = false;
  std::thread thread_;  // started in the constructor's body, once every member above is ready
};

}  // namespace relais
