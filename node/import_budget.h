// The memory that imports in flight may hold, shared by all of them. An
// import is held in memory until its last message arrives (it is written in
// one batch or not at all), so each import alone being bounded is not enough:
// several at once would add up. Each import takes a Lease and acquires the
// bytes of every message it keeps; the lease gives them back when the import
// ends, written or not.
#ifndef BIBIA_NODE_IMPORT_BUDGET_H_
#define BIBIA_NODE_IMPORT_BUDGET_H_

#include <atomic>
#include <cstddef>

namespace bibia::node {

class ImportBudget {
 public:
  explicit ImportBudget(size_t capacity) : capacity_(capacity) {}
  ImportBudget(const ImportBudget&) = delete;
  ImportBudget& operator=(const ImportBudget&) = delete;

  // What one import holds of the budget; gives it all back when destroyed.
  // Not thread-safe itself (one import, one lease); leases of one budget are.
  class Lease {
   public:
    explicit Lease(ImportBudget* budget) : budget_(budget) {}
    ~Lease() { budget_->held_.fetch_sub(held_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    // Takes `bytes` more if the budget has them left (then true); otherwise
    // takes nothing and returns false.
    bool TryAcquire(size_t bytes) {
      size_t held = budget_->held_.load();
      do {
        if (bytes > budget_->capacity_ - held) return false;
      } while (!budget_->held_.compare_exchange_weak(held, held + bytes));
      held_ += bytes;
      return true;
    }
    // Bytes this lease holds.
    size_t held() const { return held_; }

   private:
    ImportBudget* const budget_;
    size_t held_ = 0;
  };

  size_t capacity() const { return capacity_; }
  // Bytes all leases hold now.
  size_t held() const { return held_.load(); }

 private:
  const size_t capacity_;
  std::atomic<size_t> held_{0};
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_IMPORT_BUDGET_H_
