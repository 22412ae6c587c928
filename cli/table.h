// A plain-text table for terminal output: columns sized to their content,
// over-long cells cut with "…", widths counted in UTF-8 code points.
#ifndef BIBIA_CLI_TABLE_H_
#define BIBIA_CLI_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

namespace bibia::cli {

class Table {
 public:
  enum class Align { kLeft, kRight };

  struct Column {
    std::string header;
    size_t max_width = 0;  // in code points; 0 means unlimited
    Align align = Align::kLeft;
  };

  explicit Table(std::vector<Column> columns);

  // Missing cells are rendered empty; extra cells are ignored. Control
  // characters in cells are shown as spaces.
  void AddRow(std::vector<std::string> cells);

  size_t row_count() const { return rows_.size(); }

  // Header line, then one line per row; columns separated by two spaces, no
  // trailing blanks, every line ending with '\n'.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace bibia::cli

#endif  // BIBIA_CLI_TABLE_H_
