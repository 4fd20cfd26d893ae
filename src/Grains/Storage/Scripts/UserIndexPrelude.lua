-- Shared by the user index scripts, which run it before their own text (see RedisScript).

local function server_now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
