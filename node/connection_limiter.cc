#include "node/connection_limiter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/rate_limiter.h"
#include "grpc/grpc.h"
#include "grpc/support/sync.h"
#include "grpcpp/support/channel_arguments.h"
#include "node/log.h"

// gRPC 1.51's socket mutator, from its src/core/lib/iomgr/socket_mutator.h,
// which Debian does not install. ChannelArguments::SetSocketMutator takes a
// pointer to this layout; gRPC calls mutate_fd_2 with every accepted socket.
typedef enum {
  GRPC_FD_CLIENT_CONNECTION_USAGE,
  GRPC_FD_SERVER_LISTENER_USAGE,
  GRPC_FD_SERVER_CONNECTION_USAGE,
} grpc_fd_usage;
typedef struct {
  int fd;
  grpc_fd_usage usage;
} grpc_mutate_socket_info;
struct grpc_socket_mutator_vtable {
  bool (*mutate_fd)(int fd, grpc_socket_mutator* mutator);
  int (*compare)(grpc_socket_mutator* a, grpc_socket_mutator* b);
  void (*destroy)(grpc_socket_mutator* mutator);
  bool (*mutate_fd_2)(const grpc_mutate_socket_info* info, grpc_socket_mutator* mutator);
};
struct grpc_socket_mutator {
  const grpc_socket_mutator_vtable* vtable;
  gpr_refcount refcount;
};

namespace bibia::node {

absl::StatusOr<uint64_t> RaiseOpenFileLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError(absl::StrCat("getrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return absl::InternalError(absl::StrCat("setrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
    }
  }
  return static_cast<uint64_t>(limit.rlim_cur);
}

uint64_t ReservedOpenFiles() {
  uint64_t accept_queue = 4096;  // Linux's default since 5.4
  std::ifstream in("/proc/sys/net/core/somaxconn");
  uint64_t read = 0;
  if (in >> read && read > 0) accept_queue = read;
  return 256 + accept_queue;
}

namespace {

// "ipv4:1.2.3.4:5" / "ipv6:[::1]:5", gRPC's peer form, for RateLimitKey.
std::string PeerOf(int fd) {
  sockaddr_storage addr;
  socklen_t len = sizeof(addr);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "unknown";
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    return absl::StrCat("ipv4:", text, ":", ntohs(in->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    return absl::StrCat("ipv6:[", text, "]:", ntohs(in6->sin6_port));
  }
  return "unix";
}

constexpr absl::Duration kPruneEvery = absl::Milliseconds(50);

ino_t InodeOf(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

}  // namespace

struct ConnectionLimiter::Mutator {
  grpc_socket_mutator base;  // first: gRPC hands back a pointer to it
  ConnectionLimiter* limiter;

  static bool MutateFd(int, grpc_socket_mutator*) { return true; }
  static bool MutateFd2(const grpc_mutate_socket_info* info, grpc_socket_mutator* mutator) {
    if (info->usage == GRPC_FD_SERVER_CONNECTION_USAGE) {
      reinterpret_cast<Mutator*>(mutator)->limiter->OnAccepted(info->fd);
    }
    return true;
  }
  static int Compare(grpc_socket_mutator* a, grpc_socket_mutator* b) { return a < b ? -1 : (a > b ? 1 : 0); }
  static void Destroy(grpc_socket_mutator*) {}  // owned by the limiter
};

namespace {
const grpc_socket_mutator_vtable kVtable = {&ConnectionLimiter::Mutator::MutateFd,
                                            &ConnectionLimiter::Mutator::Compare,
                                            &ConnectionLimiter::Mutator::Destroy,
                                            &ConnectionLimiter::Mutator::MutateFd2};

class MutatorOption : public grpc::ServerBuilderOption {
 public:
  explicit MutatorOption(grpc_socket_mutator* mutator) : mutator_(mutator) {}
  void UpdateArguments(grpc::ChannelArguments* args) override {
    gpr_ref(&mutator_->refcount);  // the reference the arguments release
    args->SetSocketMutator(mutator_);
  }
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*) override {}

 private:
  grpc_socket_mutator* const mutator_;
};
}  // namespace

ConnectionLimiter::ConnectionLimiter(int max_connections, int max_per_address)
    : max_connections_(max_connections), max_per_address_(max_per_address), mutator_(new Mutator) {
  mutator_->base.vtable = &kVtable;
  gpr_ref_init(&mutator_->base.refcount, 1);
  mutator_->limiter = this;
}

ConnectionLimiter::~ConnectionLimiter() = default;

std::unique_ptr<grpc::ServerBuilderOption> ConnectionLimiter::BuilderOption() {
  return std::make_unique<MutatorOption>(&mutator_->base);
}

void ConnectionLimiter::ForgetLocked(int fd) {
  auto it = by_fd_.find(fd);
  if (it == by_fd_.end()) return;
  if (auto key = per_key_.find(it->second.key); key != per_key_.end() && --key->second <= 0) per_key_.erase(key);
  by_fd_.erase(it);
}

void ConnectionLimiter::PruneLocked(int keep) {
  std::vector<int> gone;
  for (const auto& [fd, tracked] : by_fd_) {
    if (fd != keep && InodeOf(fd) != tracked.inode) gone.push_back(fd);
  }
  for (int fd : gone) ForgetLocked(fd);
}

int ConnectionLimiter::CloseAll() {
  absl::MutexLock lock(&mu_);
  int closed = 0;
  for (const auto& [fd, tracked] : by_fd_) {
    if (InodeOf(fd) != tracked.inode) continue;  // closed already; the number may name another file
    shutdown(fd, SHUT_RDWR);
    ++closed;
  }
  by_fd_.clear();
  per_key_.clear();
  return closed;
}

void ConnectionLimiter::OnAccepted(int fd) {
  accepted_.fetch_add(1);
  const std::string key = access::RateLimitKey(PeerOf(fd));
  absl::MutexLock lock(&mu_);
  ForgetLocked(fd);  // a descriptor number reused: its old connection is closed
  by_fd_[fd] = Tracked{InodeOf(fd), key};
  int& count = per_key_[key];
  ++count;
  const auto over = [&] {
    return static_cast<int>(by_fd_.size()) > max_connections_ || per_key_[key] > max_per_address_;
  };
  // Counts only grow between prunes: closed connections are noticed when a
  // cap would be passed, not on every close (which gRPC does not report). A
  // prune reads every tracked descriptor: at most one per kPruneEvery, so
  // that a flood at the cap costs little more than its accept(2) calls.
  const absl::Time now = absl::Now();
  if (over() && now - last_prune_ >= kPruneEvery) {
    PruneLocked(fd);
    last_prune_ = now;
  }
  if (!over()) return;
  const bool per_address = static_cast<int>(by_fd_.size()) <= max_connections_;
  ForgetLocked(fd);
  // Shut down at once (the client sees the end); with no linger, gRPC's close
  // once the handshake failed sends a reset and keeps no TIME_WAIT.
  struct linger reset = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  shutdown(fd, SHUT_RDWR);
  refused_.fetch_add(1);
  ++refusals_since_log_;
  if (now - last_refusal_log_ >= absl::Seconds(10)) {
    Log(LogLevel::kWarning, "connection refused: cap reached",
        {{"cap", per_address ? "--max-connections-per-address" : "--max-connections"},
         {"address", key},
         {"open", absl::StrCat(by_fd_.size())},
         {"refused", absl::StrCat(refusals_since_log_)}});
    last_refusal_log_ = now;
    refusals_since_log_ = 0;
  }
}

}  // namespace bibia::node
