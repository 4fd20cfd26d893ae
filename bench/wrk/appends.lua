-- Two-item appends (a user message and a tool call, shaped as Workload.Turn makes them) to a random one of a
-- target's sessions, for the silo and baseline C alike:
--   wrk -t2 -c64 -d10s -s appends.lua -H "X-Api-Key: ..." http://host:port -- <session prefix> [<session count>]
-- Sessions are <prefix>-0 … <prefix>-(count-1); count 1 is the hot session.
local sentence = "The quick brown fox jumps over the lazy dog while the agent thinks about the answer. "
local prefix, sessions

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  prefix = args[1]
  sessions = tonumber(args[2] or "1000")
  math.randomseed(thread_number)
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = '{"userId":"bench-user","items":[{"role":"user","content":"' .. string.rep(sentence, math.random(1, 3)) ..
    '"},{"type":"function_call","call_id":"c' .. math.random(0, 2147483646) ..
    '","name":"lookup","arguments":"{\\"q\\":\\"weather\\"}"}]}'
  return wrk.format("POST", "/v1/sessions/" .. prefix .. "-" .. math.random(0, sessions - 1) .. "/items", nil, body)
end
