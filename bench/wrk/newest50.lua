-- Reads of the newest 50 items of a random one of a target's sessions:
--   wrk -t2 -c64 -d10s -s newest50.lua -H "X-Api-Key: ..." http://host:port -- <session prefix> [<session count>]
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
end

function request()
  return wrk.format("GET", "/v1/sessions/" .. prefix .. "-" .. math.random(0, sessions - 1) .. "/items?limit=50")
end
