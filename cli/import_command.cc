// bibia import FILE.json: checks and converts a demo catalogue, then streams
// it to Contribute.Import in batches.
#include <vector>

#include "absl/strings/str_cat.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "bibia/v1/project.pb.h"
#include "cli/channel.h"
#include "cli/commands.h"
#include "cli/demo_catalogue.h"
#include "cli/errors.h"
#include "cli/file_input.h"
#include "cli/import_batches.h"
#include "cli/json_io.h"

namespace bibia::cli {
namespace {

// "importing 47/47 projects", redrawn per batch on a terminal, else printed
// once at the end.
class Progress {
 public:
  Progress(std::ostream& err, bool tty, size_t total)
      : err_(err), tty_(tty), total_(total) {}

  void Update(size_t sent) {
    sent_ = sent;
    if (tty_) err_ << "\r" << Line() << std::flush;
  }

  void Finish() {
    if (tty_) {
      if (sent_ > 0) err_ << "\n" << std::flush;
    } else {
      err_ << Line() << "\n" << std::flush;
    }
  }

 private:
  std::string Line() const { return absl::StrCat("importing ", sent_, "/", total_, " projects"); }

  std::ostream& err_;
  const bool tty_;
  const size_t total_;
  size_t sent_ = 0;
};

absl::StatusOr<std::vector<ImportRecord>> LoadCatalogue(const CommandContext& context) {
  const std::string& path = context.invocation.positionals[0];
  const std::string name = InputName(path);
  absl::StatusOr<std::string> json = ReadInput(path, context.in);
  if (!json.ok()) return json.status();
  v1::DemoCatalogue catalogue;
  absl::Status parsed = ParseJson(*json, catalogue);
  if (!parsed.ok()) {
    // A common mix-up: the file of one project, as `project put` takes it.
    if (v1::Project project; ParseJson(*json, project).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": holds one project, not a catalogue: use 'bibia project put ", path, "'"));
    }
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", parsed.message()));
  }
  absl::StatusOr<std::vector<ImportRecord>> records = ConvertDemoCatalogue(catalogue);
  if (!records.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", records.status().message()));
  }
  // Most likely not a catalogue at all ("{}", another JSON file).
  if (records->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": no projects (a catalogue is {\"projects\": [...]})"));
  }
  return records;
}

}  // namespace

absl::StatusOr<std::string> RunImport(const CommandContext& context) {
  absl::StatusOr<std::vector<ImportRecord>> records = LoadCatalogue(context);
  if (!records.ok()) return records.status();
  const std::vector<v1::ImportRequest> batches = MakeImportBatches(*records);

  v1::Contribute::Stub stub(context.channel);
  grpc::ClientContext client_context;
  PrepareCall(client_context, context.global(),
              std::max<int>(1, static_cast<int>(batches.size())));
  v1::ImportResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportRequest>> writer =
      stub.Import(&client_context, &response);

  Progress progress(context.err, context.err_is_tty, records->size());
  size_t sent = 0;
  for (const v1::ImportRequest& batch : batches) {
    if (!writer->Write(batch)) break;  // the stream is broken; Finish() says why
    sent += batch.projects_size();
    progress.Update(sent);
  }
  progress.Finish();
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    return NodeError(status, context.global());
  }
  if (context.global().json) return ToJson(response);
  return absl::StrCat("imported ", response.imported(), " projects (", response.created(),
                      " new), ", response.feedback(), " feedback\n");
}

}  // namespace bibia::cli
