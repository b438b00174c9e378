-- Started by tests/neovim.rs: attaches `impermalint lsp` to the current buffer with Neovim's
-- built-in client, prints the diagnostics it receives ("before CODE LINE", 1-based), then
-- applies the preferred code action (the mechanical fix) of each finding that has one, the way
-- a user picks it from vim.lsp.buf.code_action(), writes the edited files, and prints the
-- diagnostics published afterwards ("after CODE LINE"). "done" ends the output.
local bin = os.getenv("IMPERMALINT_BIN")
local root = os.getenv("IMPERMALINT_ROOT")
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "impermalint",
  cmd = { bin, "lsp" },
  root_dir = root,
})
local client = vim.lsp.get_client_by_id(client_id)
vim.lsp.buf_attach_client(bufnr, client_id)

-- Every publishDiagnostics for this buffer bumps `published`, findings or none.
local published = 0
vim.api.nvim_create_autocmd("DiagnosticChanged", {
  buffer = bufnr,
  callback = function()
    published = published + 1
  end,
})
-- Waits for a publication after the `after`-th, then until none has come for half a second
-- (an edit is analysed on change and again on save).
local function wait_published(after)
  if not vim.wait(20000, function()
    return published > after
  end, 20) then
    return false
  end
  local last = published
  while vim.wait(500, function()
    return published > last
  end, 20) do
    last = published
  end
  return true
end

local function print_diagnostics(tag)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
    io.stdout:write(string.format("%s %s %d\n", tag, code, d.lnum + 1))
  end
end

if not wait_published(0) then
  io.stdout:write("no diagnostics\n")
end
print_diagnostics("before")

-- The preferred action of the first finding that has one; nil when none has.
local function preferred_action()
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    -- The LSP form of the diagnostic, as vim.lsp.buf.code_action() sends it: Neovim 0.7 keeps
    -- only some of the server's fields in user_data.lsp (newer versions keep all of them).
    local kept = (d.user_data and d.user_data.lsp) or {}
    local lsp_diag = vim.tbl_extend("keep", kept, {
      range = {
        start = { line = d.lnum, character = d.col },
        ["end"] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
      },
      message = d.message,
      severity = d.severity,
      source = d.source,
      code = d.code,
    })
    if lsp_diag.code then
      local params = {
        textDocument = { uri = vim.uri_from_bufnr(bufnr) },
        range = lsp_diag.range,
        context = { diagnostics = { lsp_diag }, only = { "quickfix" } },
      }
      local reply = client.request_sync("textDocument/codeAction", params, 10000, bufnr)
      for _, action in ipairs((reply and reply.result) or {}) do
        if action.isPreferred and action.edit then
          return action
        end
      end
    end
  end
  return nil
end

-- One fix at a time: each changes the findings the next is computed from.
for _ = 1, 20 do
  local action = preferred_action()
  if not action then
    break
  end
  io.stdout:write("apply " .. action.title .. "\n")
  local seen = published
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  -- Other files the fix edited are written, as `:wall` would; this buffer is saved too.
  vim.cmd("silent! wall")
  if not wait_published(seen) then
    io.stdout:write("no diagnostics after the fix\n")
    break
  end
end
print_diagnostics("after")
io.stdout:write("done\n")
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
