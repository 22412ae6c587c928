// The edge where absl::Status becomes grpc::Status: same code, same message.
#include "node/grpc_status.h"

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

}  // namespace
}  // namespace bibia::node
