// bibia feedback add | list.
#include "absl/strings/str_cat.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/flag_values.h"
#include "cli/json_io.h"
#include "cli/list_views.h"
#include "cli/rpc_call.h"

namespace bibia::cli {

absl::StatusOr<std::string> RunFeedbackAdd(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  v1::AddFeedbackRequest request;
  v1::Feedback& feedback = *request.mutable_feedback();
  feedback.set_project_id(invocation.positionals[0]);
  absl::StatusOr<v1::FeedbackKind> kind = FeedbackKindFromFlags(invocation);
  if (!kind.ok()) return kind.status();
  feedback.set_kind(*kind);
  feedback.set_text(invocation.Flag("text").value_or(""));
  feedback.set_objective(invocation.Flag("objective").value_or(""));
  feedback.set_outcome(invocation.Flag("outcome").value_or(""));
  feedback.set_would_do_differently(invocation.Flag("would-do-differently").value_or(""));
  if (feedback.text().empty() && feedback.outcome().empty()) {
    return UsageError("missing flag --text TEXT (or --outcome TEXT)", "feedback add");
  }
  feedback.set_author_collectivity(invocation.Flag("author").value_or(""));
  absl::StatusOr<std::optional<double>> cost = NumberFlag(invocation, "cost-eur");
  if (!cost.ok()) return cost.status();
  if (cost->has_value()) feedback.set_cost_eur(**cost);
  absl::StatusOr<std::optional<int32_t>> months = CountFlag(invocation, "duration-months");
  if (!months.ok()) return months.status();
  if (months->has_value()) feedback.set_duration_months(**months);

  v1::Contribute::Stub stub(context.channel);
  absl::StatusOr<v1::AddFeedbackResponse> response =
      CallNode(context, stub, &v1::Contribute::Stub::AddFeedback, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return absl::StrCat(response->feedback().id(), "\n");
}

// Every page of the project's feedback: the node bounds a page in items and
// bytes, and users must see it all.
absl::StatusOr<std::string> RunFeedbackList(const CommandContext& context) {
  v1::ListFeedbackRequest request;
  request.set_project_id(context.invocation.positionals[0]);
  v1::Catalog::Stub stub(context.channel);
  v1::ListFeedbackResponse combined;
  while (true) {
    absl::StatusOr<v1::ListFeedbackResponse> page =
        CallNode(context, stub, &v1::Catalog::Stub::ListFeedback, request);
    if (!page.ok()) return page.status();
    combined.mutable_feedback()->MergeFrom(page->feedback());
    if (page->next_page_token().empty()) break;
    if (page->next_page_token() == request.page_token()) {
      return absl::InternalError(
          absl::StrCat("the node returned the same page token twice (", page->next_page_token(), ")"));
    }
    request.set_page_token(page->next_page_token());
  }
  if (context.global().json) return ToJson(combined);
  return RenderFeedbackList(combined, request.project_id());
}

}  // namespace bibia::cli
