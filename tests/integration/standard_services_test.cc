// A real bibia-node answers standard gRPC health checks and server reflection,
// called with raw method names as stock tools do.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpc_standard.pb.h"  // generated from tests/integration/grpc_standard.proto
#include "gtest/gtest.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

using standard::HealthCheckRequest;
using standard::HealthCheckResponse;
using standard::ServerReflectionRequest;
using standard::ServerReflectionResponse;

grpc::ByteBuffer ToBuffer(const google::protobuf::Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromBuffer(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return message->ParseFromString(bytes);
}

class StandardServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_.path() + "/node", std::vector<std::string>{"--insecure"});
    ASSERT_TRUE(node_->Start()) << node_->log();
    channel_ = grpc::CreateChannel(node_->address(), grpc::InsecureChannelCredentials());
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::shared_ptr<grpc::Channel> channel_;
};

// The health status of `service` ("" for the whole node), or UNKNOWN with a
// test failure if the call fails.
HealthCheckResponse::ServingStatus HealthOf(const std::shared_ptr<grpc::Channel>& channel,
                                            const std::string& service) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  HealthCheckRequest request;
  request.set_service(service);
  auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", ToBuffer(request), &cq);
  call->StartCall();
  grpc::ByteBuffer reply;
  grpc::Status status;
  call->Finish(&reply, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  HealthCheckResponse response;
  const bool answered = cq.Next(&tag, &ok) && ok && status.ok() && FromBuffer(reply, &response);
  EXPECT_TRUE(answered) << "health of '" << service << "': " << status.error_message();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return answered ? response.status() : HealthCheckResponse::UNKNOWN;
}

TEST_F(StandardServicesTest, HealthCheckSaysServing) {
  EXPECT_EQ(HealthOf(channel_, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(HealthOf(channel_, "bibia.v1.Contribute"), HealthCheckResponse::SERVING);
}

// A store that may not write (here: a free-space reserve larger than the
// disk) makes the Contribute service NOT_SERVING; the node still serves reads,
// and writes are RESOURCE_EXHAUSTED naming the reserve.
TEST_F(StandardServicesTest, AStoreThatCannotWriteTurnsContributeNotServing) {
  ASSERT_EQ(node_->Stop(), 0);
  NodeProcess full(node_->data_dir(), {"--insecure", "--disk-reserve-mib", "1048576"});
  ASSERT_TRUE(full.Start()) << full.log();
  auto channel = grpc::CreateChannel(full.address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(HealthOf(channel, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(HealthOf(channel, "bibia.v1.Contribute"), HealthCheckResponse::NOT_SERVING);

  const std::string editor = full.IssueToken("expert", "editor");
  ASSERT_FALSE(editor.empty());
  std::vector<std::string> put = {CliBinary(), "--node", full.address(), "--insecure", "--token", editor,
                                  "project", "put", "-"};
  CommandResult result = RunCommand(put, R"({"public": {"id": "p1", "title_fr": "Titre",
      "collectivity": {"name": "Ville"}, "domain": "DOMAIN_WATER", "status": "STATUS_PILOT"}})");
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(result.err, ::testing::HasSubstr("RESOURCE_EXHAUSTED: disk nearly full"));
  result = RunCommand({CliBinary(), "--node", full.address(), "--insecure", "stats"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(full.log(), ::testing::HasSubstr("msg=\"store: cannot write\""));
}

TEST_F(StandardServicesTest, ReflectionListsBibiaServices) {
  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  // The synchronous generic API is not offered in 1.51; drive the async one
  // on a private completion queue, one step at a time.
  grpc::CompletionQueue cq;
  auto async = stub.PrepareCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  async->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  ServerReflectionRequest request;
  request.set_list_services("");
  async->Write(ToBuffer(request), reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer reply;
  async->Read(&reply, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  ServerReflectionResponse response;
  ASSERT_TRUE(FromBuffer(reply, &response));
  std::vector<std::string> names;
  for (const auto& s : response.list_services_response().service()) names.push_back(s.name());
  EXPECT_THAT(names, ::testing::IsSupersetOf({"bibia.v1.Catalog", "bibia.v1.Contribute", "grpc.health.v1.Health"}));
  async->WritesDone(reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  grpc::Status status;
  async->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  EXPECT_TRUE(status.ok()) << status.error_message();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

}  // namespace
}  // namespace bibia::testing
