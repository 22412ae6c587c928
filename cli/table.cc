#include "cli/table.h"

#include <algorithm>
#include <utility>

#include "cli/utf8.h"

namespace bibia::cli {
namespace {

constexpr std::string_view kColumnGap = "  ";

std::string Fit(const std::string& cell, size_t max_width) {
  std::string line = SingleLine(cell);
  if (max_width == 0) return line;
  return TruncateCodePoints(line, max_width);
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    cells[i] = Fit(cells[i], columns_[i].max_width);
  }
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<std::string> headers;
  std::vector<size_t> widths;
  for (const Column& column : columns_) {
    headers.push_back(Fit(column.header, column.max_width));
    widths.push_back(CodePointCount(headers.back()));
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], CodePointCount(row[i]));
    }
  }

  std::string out;
  auto append_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      const size_t padding = widths[i] - CodePointCount(cells[i]);
      if (i > 0) line.append(kColumnGap);
      if (columns_[i].align == Align::kRight) {
        line.append(padding, ' ');
        line.append(cells[i]);
      } else {
        line.append(cells[i]);
        line.append(padding, ' ');
      }
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out.append(line);
    out.push_back('\n');
  };
  append_line(headers);
  for (const auto& row : rows_) append_line(row);
  return out;
}

}  // namespace bibia::cli
