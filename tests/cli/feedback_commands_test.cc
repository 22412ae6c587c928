// `bibia feedback list` against a fake node that pages its feedback: the
// command follows every page, so a user sees all of it.
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "cli/errors.h"
#include "cli/run.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Serves `total` feedback items, `per_page` a page, the token being the
// index of the next item; with `stuck`, every page hands back the token it
// was asked for (a node that never ends).
class FakeCatalog final : public v1::Catalog::Service {
 public:
  FakeCatalog(int total, int per_page, bool stuck = false) : total_(total), per_page_(per_page), stuck_(stuck) {}

  grpc::Status ListFeedback(grpc::ServerContext*, const v1::ListFeedbackRequest* request,
                            v1::ListFeedbackResponse* response) override {
    std::lock_guard lock(mu_);
    tokens_.push_back(request->page_token());
    int start = 0;
    if (!request->page_token().empty()) start = std::stoi(request->page_token());
    for (int i = start; i < std::min(total_, start + per_page_); ++i) {
      v1::Feedback* f = response->add_feedback();
      f->set_id(absl::StrCat("node-a-r", i + 1));
      f->set_project_id(request->project_id());
      f->set_kind(v1::FEEDBACK_KIND_LESSON);
      f->set_text(absl::StrCat("Retour ", i));
    }
    if (stuck_) {
      response->set_next_page_token(request->page_token().empty() ? "0" : request->page_token());
    } else if (start + per_page_ < total_) {
      response->set_next_page_token(std::to_string(start + per_page_));
    }
    return grpc::Status::OK;
  }

  std::vector<std::string> tokens() {
    std::lock_guard lock(mu_);
    return tokens_;
  }

 private:
  const int total_, per_page_;
  const bool stuck_;
  std::mutex mu_;
  std::vector<std::string> tokens_;  // the page token of each call
};

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result RunAgainst(FakeCatalog* catalog, std::vector<std::string> args) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(catalog);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  args.insert(args.begin(), {"--insecure", "--timeout", "5", "--node", "127.0.0.1:" + std::to_string(port)});
  std::istringstream in;
  std::ostringstream out, err;
  const int code = Run(args, Environment{}, {.in = in, .out = out, .err = err, .err_is_tty = false});
  server->Shutdown();
  return {code, out.str(), err.str()};
}

TEST(FeedbackListTest, FollowsEveryPage) {
  FakeCatalog catalog(/*total=*/7, /*per_page=*/3);
  Result result = RunAgainst(&catalog, {"feedback", "list", "p1"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(catalog.tokens(), ElementsAre("", "3", "6"));
  for (int i = 0; i < 7; ++i) EXPECT_THAT(result.out, HasSubstr(absl::StrCat("Retour ", i, "\n"))) << i;

  FakeCatalog again(7, 3);
  result = RunAgainst(&again, {"--json", "feedback", "list", "p1"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  v1::ListFeedbackResponse combined;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &combined).ok()) << result.out;
  ASSERT_EQ(combined.feedback_size(), 7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(combined.feedback(i).text(), absl::StrCat("Retour ", i));
  EXPECT_EQ(combined.next_page_token(), "");
}

TEST(FeedbackListTest, StopsWhenTheNodeRepeatsAPageToken) {
  FakeCatalog catalog(/*total=*/4, /*per_page=*/2, /*stuck=*/true);
  Result result = RunAgainst(&catalog, {"feedback", "list", "p1"});
  EXPECT_NE(result.code, kExitOk);
  EXPECT_THAT(result.err, HasSubstr("the same page token twice"));
  EXPECT_EQ(catalog.tokens().size(), 2u);
}

}  // namespace
}  // namespace bibia::cli
