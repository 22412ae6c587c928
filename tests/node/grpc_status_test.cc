// The edge where absl::Status becomes grpc::Status: same code, the message as
// a caller may see it (no file paths, no control characters, at most 1 KiB).
#include "node/grpc_status.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace bibia::node {
namespace {

TEST(GrpcStatusTest, EveryCanonicalCodeMapsToTheSameGrpcCode) {
  for (int code = 1; code <= 16; ++code) {
    const absl::Status status(static_cast<absl::StatusCode>(code), "project.id: 'X' must match [a-z0-9-]{1,80}");
    const grpc::Status mapped = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(mapped.error_code()), code);
    EXPECT_EQ(mapped.error_message(), "project.id: 'X' must match [a-z0-9-]{1,80}");
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("project 'p1'")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(absl::PermissionDeniedError("x")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST(GrpcStatusTest, FilePathsAreHiddenFromCallers) {
  const grpc::Status mapped = ToGrpcStatus(absl::DataLossError(
      "store: Corruption: block checksum mismatch in /var/lib/bibia/db/000123.sst offset 42 (size 4096)"));
  EXPECT_EQ(mapped.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(mapped.error_message(), "store: Corruption: block checksum mismatch in (path) offset 42 (size 4096)");
  EXPECT_EQ(ToGrpcStatus(absl::UnavailableError("IO error: No space left on device: '/srv/n/db/LOG'")).error_message(),
            "IO error: No space left on device: '(path)'");
  // Not paths: a single slash, a URL, a fraction.
  for (const char* kept : {"expected HOST:PORT, e.g. /7700", "see https://example.org/a/b", "tier 1/2", "a/b/c"}) {
    EXPECT_EQ(ToGrpcStatus(absl::InvalidArgumentError(kept)).error_message(), kept);
  }
}

TEST(GrpcStatusTest, MessagesAreCutAndEscaped) {
  const std::string huge = "id: '" + std::string(4 << 20, 'x') + "' must match [a-z0-9-]{1,80}";
  const grpc::Status mapped = ToGrpcStatus(absl::InvalidArgumentError(huge));
  EXPECT_LE(mapped.error_message().size(), 1024u + 24);
  EXPECT_NE(mapped.error_message().find(absl::StrCat("(", huge.size(), " bytes)")), std::string::npos) << mapped.error_message();
  EXPECT_EQ(ToGrpcStatus(absl::InvalidArgumentError("title: \x1b[2J")).error_message(), "title: \\x1b[2J");
}

}  // namespace
}  // namespace bibia::node
