// bibia-node: the daemon each collectivity runs. See `bibia-node --help`.
#include "node/node_commands.h"

int main(int argc, char** argv) { return bibia::node::RunNodeCommand(argc, argv); }
