-- Started by tests/neovim.rs: attaches `impermalint lsp` to the current buffer with Neovim's
-- built-in client, waits for its diagnostics and prints them one a line ("CODE LINE"), 1-based.
local bin = os.getenv("IMPERMALINT_BIN")
local root = os.getenv("IMPERMALINT_ROOT")
local bufnr = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = "impermalint",
  cmd = { bin, "lsp" },
  root_dir = root,
})
vim.lsp.buf_attach_client(bufnr, client)
local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 50)
if not ok then
  io.stdout:write("no diagnostics\n")
end
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
  io.stdout:write(string.format("%s %d\n", code, d.lnum + 1))
end
vim.lsp.stop_client(client)
vim.cmd("qa!")
