-- Drives Neovim's built-in LSP client against alembic-ls; run by test_neovim.py.
-- Globals set by the test before this file runs: probe_config (path of the user config block),
-- probe_root (the demo copy), probe_out (where to write the JSON report).
local out = { errors = {} }
local versions = probe_root .. "/migrations/versions/"
local slug_path = versions .. "4d5e6f708192_add_slug_to_post.py"
local tag_path = versions .. "3c4d5e6f7081_create_tag_table.py"
local bio_path = versions .. "5e6f708192a3_add_bio_to_user.py"
local head_path = versions .. "6f708192a3b4_add_subtitle_to_post.py"

local function finish()
  local file = io.open(probe_out, "w")
  file:write(vim.fn.json_encode(out))
  file:close()
  vim.cmd("qa!")
end

local function collect(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(found, { code = lsp.code, line = d.lnum + 1, col = d.col, source = d.source })
  end
  table.sort(found, function(a, b) return a.line < b.line end)
  return found
end

local function codes(buf)
  local seen = {}
  for _, d in ipairs(collect(buf)) do
    seen[d.code] = true
  end
  return seen
end

local function step(name, fn)
  local ok, err = pcall(fn)
  if not ok then
    table.insert(out.errors, name .. ": " .. tostring(err))
  end
end

vim.cmd("filetype on")
vim.cmd("luafile " .. probe_config)

step("diagnostics", function()
  vim.cmd("edit " .. slug_path)
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(30000, function() return #vim.diagnostic.get(buf) >= 2 end, 50)
  out.attached = vim.tbl_count(vim.lsp.buf_get_clients(buf))
  out.slug = collect(buf)
  -- A file that was never opened: the server publishes for it too.
  local tag_buf = vim.uri_to_bufnr(vim.uri_from_fname(tag_path))
  vim.wait(10000, function() return #vim.diagnostic.get(tag_buf) > 0 end, 50)
  out.tag_closed = collect(tag_buf)
end)

step("definition", function()
  vim.cmd("edit " .. slug_path)
  vim.api.nvim_win_set_cursor(0, { 17, 55 }) -- inside '3c4d5e6f7081' of down_revision
  vim.lsp.buf.definition()
  vim.wait(10000, function() return vim.api.nvim_buf_get_name(0) ~= slug_path end, 50)
  out.jump = { file = vim.api.nvim_buf_get_name(0), cursor = vim.api.nvim_win_get_cursor(0) }
end)

step("typing", function()
  vim.cmd("edit " .. head_path)
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  -- Point the head at an older parent: a second head appears while typing.
  vim.api.nvim_buf_set_lines(buf, 15, 16, false, { "down_revision: Union[str, Sequence[str], None] = '4d5e6f708192'" })
  vim.wait(10000, function() return codes(buf)["AM301"] == true end, 50)
  out.typed = collect(buf)
  vim.cmd("undo")
  vim.wait(10000, function() return codes(buf)["AM301"] == nil end, 50)
  out.undone = collect(buf)
end)

step("quickfix", function()
  vim.cmd("edit " .. bio_path)
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(10000, function() return codes(buf)["AM201"] == true end, 50)
  vim.api.nvim_win_set_cursor(0, { 31, 5 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, 30) }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000) or {}
  local chosen = nil
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      if action.isPreferred then
        chosen = action
      end
    end
  end
  out.action = chosen and chosen.title or nil
  if chosen.edit == nil then
    local resolved = vim.lsp.buf_request_sync(buf, "codeAction/resolve", chosen, 10000) or {}
    for _, response in pairs(resolved) do
      chosen = response.result or chosen
    end
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, "utf-16")
  vim.wait(10000, function() return codes(buf)["AM201"] == nil end, 50)
  out.after_fix = collect(buf)
  out.fixed_text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
end)

step("lenses", function()
  -- Neovim 0.7 declares no window/showDocument: what the lenses and commands do comes as messages.
  local told, notified = {}, {}
  local show_message = vim.lsp.handlers["window/showMessage"]
  vim.lsp.handlers["window/showMessage"] = function(err, result, ctx, config)
    table.insert(told, result.message)
    return show_message(err, result, ctx, config)
  end
  local notify = vim.notify
  vim.notify = function(message, level, opts)
    table.insert(notified, message)
    return notify(message, level, opts)
  end
  local select = vim.ui.select
  out.lenses = {}
  for _, path in ipairs({ slug_path, head_path }) do
    vim.cmd("edit " .. path)
    local buf = vim.api.nvim_get_current_buf()
    vim.lsp.codelens.refresh()
    vim.wait(10000, function() return #vim.lsp.codelens.get(buf) > 0 end, 50)
    local lenses = vim.lsp.codelens.get(buf)
    vim.api.nvim_win_set_cursor(0, { lenses[1].range.start.line + 1, 0 })
    -- Each lens as a user runs it: vim.lsp.codelens.run(), choosing it from the menu.
    for index, lens in ipairs(lenses) do
      local command = lens.command or {}
      vim.ui.select = function(items, _, on_choice) on_choice(items[index]) end
      local before = #told
      vim.lsp.codelens.run()
      vim.wait(10000, function() return #told > before end, 50)
      table.insert(out.lenses, { title = command.title, command = command.command, told = told[before + 1] })
    end
  end
  vim.ui.select = select
  -- A database command through the user command docs/editors.md defines: its outcome is told.
  local before = #told
  vim.cmd("AlembicHeads")
  vim.wait(60000, function() return #told > before end, 50)
  out.heads_told = told[before + 1]
  out.notified = notified
end)

finish()
