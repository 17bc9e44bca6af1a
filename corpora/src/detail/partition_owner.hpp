// Private to corpora: the requests a distributed ingest's writer sends to the owners of the partitions
// it does not write itself (IngestOptions::owners, PartitionServer), docs/cluster.md. Every request but
// kWriteHeld is answered, in order; its first byte is an OwnerOp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "relais/corpora/ingest.hpp"

namespace relais::corpora::detail {

enum class OwnerOp : std::uint8_t {
  kOpen = 1,  // open these partitions (index, file), fresh or not; answer: nothing
  kBegin,     // BEGIN IMMEDIATE on each
  kCommit,
  kRollback,
  kMaxId,  // answer: the largest item id of its partitions (I64, 0 when empty)
  kWrite,  // items routed to its partitions; answer: per item, whether it was added
  kClose,  // close them; the last request
  // As kWrite, but the answer is held by the owner until kTakeHeld: the writer goes on routing while the
  // owners write, instead of waiting for each batch's answer (the answers only feed the accounting).
  kWriteHeld,
  kTakeHeld,   // answer: the number of answers held, then each kWrite answer held, in order; none held after
  kHeldBatch,  // several kWriteHeld requests in one message (CoalescingOwners); no answer
};

/// The owner of partition p (the same rule as the partition passes: p mod the number of owners).
inline int OwnerOfPartition(int p, const PartitionOwners& owners) { return p % owners.count(); }

/// A request without arguments.
std::vector<std::byte> OwnerRequest(OwnerOp op);
/// kOpen for owner `owner`: the partitions (index, file) it owns.
std::vector<std::byte> OpenRequest(const std::vector<std::pair<int, std::string>>& partitions, bool fresh);

/// Sends `request` to every owner but this process, then reads their answers (owner 1 first).
std::vector<std::vector<std::byte>> AskOtherOwners(PartitionOwners& owners, const std::vector<std::byte>& request);

/// The largest item id the other owners' partitions hold.
std::int64_t OtherOwnersMaxId(PartitionOwners& owners);

/// Owners whose held writes (which get no answer) travel together: consecutive kWriteHeld requests to an
/// owner go as one kHeldBatch once they reach `batch_bytes`, or before anything else is sent to or
/// received from that owner, so the order of its requests is kept. A small file's rows are a message of a
/// few kB, and each message waited for its owner to be scheduled and to finish the previous one.
class CoalescingOwners final : public PartitionOwners {
 public:
  CoalescingOwners(PartitionOwners& inner, std::size_t batch_bytes);
  int count() const override { return inner_.count(); }
  void Send(int owner, std::vector<std::byte> request) override;
  std::vector<std::byte> Receive(int owner) override;

 private:
  void Flush(int owner);

  struct Buffered {
    std::vector<std::byte> bytes;  // a kHeldBatch request in the making (its count written by Flush)
    std::uint64_t requests = 0;
  };
  PartitionOwners& inner_;
  std::size_t batch_bytes_;
  std::vector<Buffered> buffered_;  // by owner
};

}  // namespace relais::corpora::detail
