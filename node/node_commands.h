// The commands of the bibia-node binary: serve (default), init, identity and
// token issue. Each returns the process exit code: 0 success, 1 failure,
// 2 usage error.
#ifndef BIBIA_NODE_NODE_COMMANDS_H_
#define BIBIA_NODE_NODE_COMMANDS_H_

namespace bibia::node {

// Dispatches on argv[1] ("init", "identity", "token", else serve).
int RunNodeCommand(int argc, char** argv);

}  // namespace bibia::node

#endif  // BIBIA_NODE_NODE_COMMANDS_H_
