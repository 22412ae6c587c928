// How errors are reported: message format on stderr and exit code per kind.
#include "cli/errors.h"

#include <sstream>

#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

TEST(ErrorsTest, UsageErrorPrintsHintAndExitsTwo) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(UsageError("missing argument ID", "project get"), err), kExitUsage);
  EXPECT_EQ(err.str(),
            "bibia: missing argument ID\n"
            "Run 'bibia project get --help' for usage.\n");
}

TEST(ErrorsTest, UsageErrorWithoutCommandPointsToGlobalHelp) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(UsageError("missing command", ""), err), kExitUsage);
  EXPECT_EQ(err.str(), "bibia: missing command\nRun 'bibia --help' for usage.\n");
}

TEST(ErrorsTest, RpcErrorKeepsServerMessageAndCode) {
  std::ostringstream err;
  const absl::Status status =
      RpcError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "record 12 (id foo): public.title_fr: empty"),
               "127.0.0.1:7700", 10);
  EXPECT_TRUE(IsRpcError(status));
  EXPECT_FALSE(IsUsageError(status));
  EXPECT_EQ(ReportError(status, err), kExitFailure);
  EXPECT_EQ(err.str(),
            "bibia: error: INVALID_ARGUMENT: record 12 (id foo): public.title_fr: empty\n");
}

TEST(ErrorsTest, UnavailableNamesTheNode) {
  std::ostringstream err;
  const absl::Status status = RpcError(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses"),
      "127.0.0.1:7700", 10);
  EXPECT_EQ(ReportError(status, err), kExitFailure);
  EXPECT_EQ(err.str(), "bibia: error: UNAVAILABLE: cannot reach node at 127.0.0.1:7700\n");
}

TEST(ErrorsTest, TheNodesOwnUnavailableKeepsItsMessage) {
  // A node answers UNAVAILABLE itself when its store cannot write: the node
  // was reached, and its message says what is wrong.
  std::ostringstream err;
  const absl::Status status =
      RpcError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write batch: IO error: No space left on device"),
               "127.0.0.1:7700", 10);
  EXPECT_EQ(ReportError(status, err), kExitFailure);
  EXPECT_EQ(err.str(), "bibia: error: UNAVAILABLE: write batch: IO error: No space left on device\n");
}

TEST(ErrorsTest, DeadlineNamesNodeAndTimeout) {
  std::ostringstream err;
  const absl::Status status =
      RpcError(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"),
               "n:1", 2.5);
  EXPECT_EQ(ReportError(status, err), kExitFailure);
  EXPECT_EQ(err.str(),
            "bibia: error: DEADLINE_EXCEEDED: no answer from node at n:1 within 2.5 s "
            "(--timeout)\n");
}

TEST(ErrorsTest, LocalErrorHasNoCodeName) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(absl::NotFoundError("p.json: No such file or directory"), err),
            kExitFailure);
  EXPECT_EQ(err.str(), "bibia: error: p.json: No such file or directory\n");
}

TEST(ErrorsTest, OkPrintsNothing) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(absl::OkStatus(), err), kExitOk);
  EXPECT_EQ(err.str(), "");
}

TEST(ErrorsTest, CodeNames) {
  EXPECT_EQ(CodeName(absl::StatusCode::kNotFound), "NOT_FOUND");
  EXPECT_EQ(CodeName(absl::StatusCode::kPermissionDenied), "PERMISSION_DENIED");
  EXPECT_EQ(CodeName(absl::StatusCode::kFailedPrecondition), "FAILED_PRECONDITION");
}

TEST(ErrorsTest, WithStdoutKeepsTheErrorAndCarriesTheText) {
  EXPECT_EQ(StdoutOf(absl::UnavailableError("x")), std::nullopt);
  const absl::Status status =
      WithStdout(absl::UnavailableError("sync with lyon: refused"), "applied 0 entries\n");
  EXPECT_EQ(StdoutOf(status), "applied 0 entries\n");
  std::ostringstream err;
  EXPECT_EQ(ReportError(status, err), kExitFailure);
  EXPECT_EQ(err.str(), "bibia: error: sync with lyon: refused\n");
}

}  // namespace
}  // namespace bibia::cli
